/**
 * The doctor's checks of a deployment: the udev rule (installed, and the same as this version's
 * deploy/99-hark.rules — older rules gave boards with the same serial number one shared link) and the
 * systemd service (installed, the same as deploy/hark.service or knowingly edited, its user present and
 * in dialout, its state when systemd runs). Every path is under `root`, so tests can check a fake tree.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the doctor's report. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn/fail. */
  fix?: string;
}

/** This version's deploy/ folder (in the package and in a checkout). */
export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));

const read = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

export interface DeployCheckOptions {
  /** Prefix of every system path (default '/'). */
  root?: string;
  /** `systemctl show` output for the unit, or undefined when systemd is not running (default: asks it). */
  systemctlShow?: (unit: string) => Promise<string | undefined>;
}

export function checkUdevRule(o: DeployCheckOptions = {}): CheckResult {
  const root = o.root ?? '/';
  const running = existsSync(join(root, 'run/udev/control')) || existsSync(join(root, 'run/udev/data'));
  const installedAt = [
    'etc/udev/rules.d/99-hark.rules',
    'lib/udev/rules.d/99-hark.rules',
    'usr/lib/udev/rules.d/99-hark.rules',
  ]
    .map((p) => join(root, p))
    .find((p) => existsSync(p));
  const shipped = read(join(DEPLOY_DIR, '99-hark.rules'));
  const install = `sudo cp ${join(DEPLOY_DIR, '99-hark.rules')} /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger`;
  const daemon = running
    ? 'udev running'
    : 'udev is not running (a container?): ports are not listed by USB id, pass --port PATH';
  if (!installedAt)
    return { name: 'udev', status: 'warn', detail: `${daemon}; hark rule not installed`, fix: install };
  if (shipped !== undefined && read(installedAt) !== shipped)
    return {
      name: 'udev',
      status: 'warn',
      detail: `${daemon}; ${installedAt} differs from this version's rule (older rules gave boards with the same serial number one shared /dev/hark-* link)`,
      fix: install,
    };
  return {
    name: 'udev',
    status: running ? 'ok' : 'warn',
    detail: `${daemon}; rule ${installedAt} is current`,
  };
}

const defaultShow = (unit: string) =>
  new Promise<string | undefined>((resolve) => {
    if (!existsSync('/run/systemd/system')) return resolve(undefined); // systemd is not PID 1
    execFile(
      'systemctl',
      ['show', unit, '--property=LoadState,ActiveState,SubState,UnitFileState,ExecMainStatus,NRestarts'],
      { timeout: 5000 },
      (err, stdout) => resolve(err ? undefined : stdout),
    );
  });

/** The service's unit file, its user, and (when systemd runs) its state. */
export async function checkService(o: DeployCheckOptions = {}): Promise<CheckResult> {
  const root = o.root ?? '/';
  const unitPath = [
    'etc/systemd/system/hark.service',
    'lib/systemd/system/hark.service',
    'usr/lib/systemd/system/hark.service',
  ]
    .map((p) => join(root, p))
    .find((p) => existsSync(p));
  const install = `sudo cp ${join(DEPLOY_DIR, 'hark.service')} /etc/systemd/system/ && sudo systemctl daemon-reload && sudo systemctl enable --now hark (deploy/README.md)`;
  if (!unitPath)
    return {
      name: 'service',
      status: 'warn',
      detail: 'hark is not installed as a systemd service (optional)',
      fix: install,
    };
  const unit = read(unitPath) ?? '';
  const user = /^User=(.+)$/m.exec(unit)?.[1]?.trim();
  const passwd = read(join(root, 'etc/passwd')) ?? '';
  const group = read(join(root, 'etc/group')) ?? '';
  const problems: string[] = [];
  if (/^[^#\n]*systemd-udev-settle/m.test(unit))
    problems.push('it waits for the deprecated systemd-udev-settle');
  if (user && !new RegExp(`^${user}:`, 'm').test(passwd)) problems.push(`its user "${user}" does not exist`);
  else if (user && !/^SupplementaryGroups=.*\bdialout\b/m.test(unit)) {
    const dialout = /^dialout:[^:]*:\d+:(.*)$/m.exec(group)?.[1]?.split(',') ?? [];
    if (!dialout.includes(user)) problems.push(`its user "${user}" is not in the dialout group`);
  }
  const shipped = read(join(DEPLOY_DIR, 'hark.service'));
  const edited = shipped !== undefined && unit !== shipped;
  const show = await (o.systemctlShow ?? defaultShow)('hark.service');
  const state = show
    ? Object.fromEntries(
        show
          .trim()
          .split('\n')
          .map((l) => l.split('=', 2) as [string, string]),
      )
    : undefined;
  const stateText = state
    ? `${state['ActiveState']}/${state['SubState']}, ${state['UnitFileState']}${Number(state['NRestarts']) > 0 ? `, ${state['NRestarts']} restarts` : ''}${state['ActiveState'] === 'failed' ? `, last exit ${state['ExecMainStatus']}` : ''}`
    : 'systemd is not running here, state unknown';
  const detail = `${unitPath}${edited ? " (differs from this version's deploy/hark.service)" : ''}; ${stateText}`;
  if (problems.length)
    return {
      name: 'service',
      status: 'fail',
      detail: `${detail}; ${problems.join('; ')}`,
      fix:
        user && problems.some((p) => p.includes('does not exist'))
          ? `sudo useradd --system --home-dir /opt/hark --shell /usr/sbin/nologin --groups dialout ${user}`
          : install,
    };
  if (state && state['ActiveState'] === 'failed')
    return {
      name: 'service',
      status: 'fail',
      detail,
      fix: 'journalctl -u hark -o cat | tail -20, then sudo systemctl restart hark',
    };
  if (edited || (state && state['ActiveState'] !== 'active'))
    return {
      name: 'service',
      status: 'warn',
      detail,
      ...(edited ? { fix: `compare with ${join(DEPLOY_DIR, 'hark.service')}` } : {}),
    };
  return { name: 'service', status: state ? 'ok' : 'warn', detail };
}
