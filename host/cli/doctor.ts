/**
 * `hark doctor` — checks what a board and hark need on this computer: speech engines and models,
 * espeak-ng, socat, serial permissions (dialout group), udev and the hark udev rule, the config.
 * Each check catches its own failure, so doctor never crashes; it exits 1 only when a required
 * piece is missing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ExitCode } from '../../base/errors.js';
import { ConfigStore } from '../config/index.js';
import { configDirOf, parseCommandArgs } from './args.js';
import type { MainIo } from './main.js';
import { CliReporter } from './reporter.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the doctor's report. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn/fail. */
  fix?: string;
}

const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';
const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib/arm-linux-gnueabihf',
  '/usr/lib',
  '/usr/local/lib',
];

function runTool(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 5000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, out: `${stdout}${stderr}`.trim() }),
    );
  });
}

const findLib = (names: string[]): string | undefined =>
  LIB_DIRS.flatMap((d) => names.map((n) => join(d, n))).find((p) => existsSync(p));

async function checkPocketsphinx(): Promise<CheckResult> {
  const lib = findLib(['libpocketsphinx.so.3', 'libpocketsphinx.so.5']);
  const model = existsSync(join(POCKETSPHINX_MODEL, 'en-us', 'mdef'));
  if (lib && model)
    return { name: 'pocketsphinx', status: 'ok', detail: `${lib}, model ${POCKETSPHINX_MODEL}` };
  return {
    name: 'pocketsphinx',
    status: 'fail',
    detail: `${lib ? 'library found' : 'libpocketsphinx.so.3 not found'}; ${model ? 'model found' : `no model in ${POCKETSPHINX_MODEL}`}`,
    fix: 'sudo apt-get install libpocketsphinx3 pocketsphinx-en-us',
  };
}

function checkVosk(voskModel: string): CheckResult {
  let lib: string | undefined;
  try {
    const pkg = createRequire(import.meta.url).resolve('vosk/package.json');
    const candidate = join(pkg, '..', 'lib', 'linux-x86_64', 'libvosk.so');
    if (existsSync(candidate)) lib = candidate;
  } catch {
    lib = undefined;
  }
  if (!voskModel) {
    return {
      name: 'vosk',
      status: 'warn',
      detail: `${lib ? `library ${lib}` : 'no libvosk.so for this platform'}; no model configured (optional engine)`,
      fix: 'download a small model from alphacephei.com/vosk/models, then hark config set transcription.vosk.model /path/to/model',
    };
  }
  const modelOk = existsSync(join(voskModel, 'am')) || existsSync(join(voskModel, 'final.mdl'));
  const graph = existsSync(join(voskModel, 'graph', 'Gr.fst')) || existsSync(join(voskModel, 'Gr.fst'));
  return {
    name: 'vosk',
    status: lib && modelOk ? (graph ? 'ok' : 'warn') : 'fail',
    detail: `${lib ?? 'no libvosk.so'}; model ${voskModel} ${modelOk ? 'found' : 'missing'}${modelOk && !graph ? ' (no Gr.fst: runtime grammars unavailable)' : ''}`,
    ...(lib && modelOk && graph ? {} : { fix: 'use a "small" Vosk model (ships Gr.fst + HCLr.fst)' }),
  };
}

async function checkTool(name: string, args: string[], required: boolean, fix: string): Promise<CheckResult> {
  const r = await runTool(name, args);
  if (r.ok) return { name, status: 'ok', detail: r.out.split('\n')[0] ?? '' };
  return { name, status: required ? 'fail' : 'warn', detail: `${name} not found or not working`, fix };
}

async function checkSerial(): Promise<CheckResult> {
  const ports = readdirSafe('/dev')
    .filter((n) => /^tty(USB|ACM)\d+$|^hark-/.test(n))
    .map((n) => `/dev/${n}`);
  const groups = (await runTool('id', ['-Gn'])).out.split(/\s+/);
  const inDialout = groups.includes('dialout') || groups.includes('uucp') || process.getuid?.() === 0;
  const denied = ports.filter((p) => {
    try {
      accessSync(p, constants.R_OK | constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
  const detail = `${ports.length ? ports.join(', ') : 'no USB serial ports present'}; ${inDialout ? 'may open serial ports' : 'not in the dialout group'}`;
  if (denied.length || !inDialout) {
    return {
      name: 'serial',
      status: 'warn',
      detail: denied.length ? `${detail}; no access to ${denied.join(', ')}` : detail,
      fix: 'sudo usermod -aG dialout $USER (then log out and in), or install deploy/99-hark.rules',
    };
  }
  return { name: 'serial', status: 'ok', detail };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function checkUdev(): CheckResult {
  const running = existsSync('/run/udev/control') || existsSync('/run/udev/data');
  const rule = ['/etc/udev/rules.d/99-hark.rules', '/lib/udev/rules.d/99-hark.rules'].find((p) =>
    existsSync(p),
  );
  if (!running) {
    return {
      name: 'udev',
      status: 'warn',
      detail: 'udev is not running (container?): port auto-detection cannot list USB ids',
      fix: 'pass --port PATH to hark run',
    };
  }
  return rule
    ? { name: 'udev', status: 'ok', detail: `running; rule ${rule}` }
    : {
        name: 'udev',
        status: 'warn',
        detail: 'running; hark rule not installed',
        fix: 'sudo cp deploy/99-hark.rules /etc/udev/rules.d/ && sudo udevadm control --reload',
      };
}

/** Runs every check; never throws. */
export async function runChecks(configDir?: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const guard = async (name: string, f: () => Promise<CheckResult> | CheckResult) => {
    try {
      results.push(await f());
    } catch (e) {
      results.push({ name, status: 'fail', detail: `check failed: ${(e as Error).message}` });
    }
  };
  let voskModel = '';
  await guard('config', () => {
    const store = new ConfigStore(configDir ? { cwd: configDir } : {});
    const cfg = store.resolve();
    voskModel = cfg.transcription.vosk.model;
    return {
      name: 'config',
      status: 'ok',
      detail: `${existsSync(store.path) ? store.path : 'defaults (no file)'}; engine ${cfg.transcription.engine}`,
    };
  });
  await guard('node', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const ok = major > 20 || (major === 20 && minor >= 19);
    return {
      name: 'node',
      status: ok ? 'ok' : 'fail',
      detail: process.version,
      ...(ok ? {} : { fix: 'install Node 20.19 or newer' }),
    };
  });
  await guard('pocketsphinx', checkPocketsphinx);
  await guard('vosk', () => checkVosk(voskModel));
  await guard('espeak-ng', () =>
    checkTool('espeak-ng', ['--version'], true, 'sudo apt-get install espeak-ng'),
  );
  await guard('socat', () =>
    checkTool('socat', ['-V'], false, 'sudo apt-get install socat (needed by hark demo/emulate)'),
  );
  await guard('serial', checkSerial);
  await guard('udev', checkUdev);
  return results;
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

const HELP = `usage: hark doctor [--json] [--config-dir DIR]

Checks what hark needs on this computer: Node, pocketsphinx and its model, Vosk (optional), espeak-ng,
socat, serial permissions (dialout), udev and the hark udev rule, the hark service, and the config.
Never crashes; exits 1 when something required is missing, with a "fix:" line.
  --config-dir DIR  check DIR/config.json instead of the per-user config (also HARK_CONFIG_DIR)
  --json            one {"t","event":"check","name","status","detail","fix"?} line per check
`;

export async function run(argv: string[], io: MainIo): Promise<number> {
  const { values } = parseCommandArgs('doctor', argv, { 'config-dir': { type: 'string' } });
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.OK;
  }
  const out = CliReporter.forCommand(io, values);
  const results = await runChecks(configDirOf(values));
  for (const r of results)
    out.event(
      { event: 'check', ...r },
      `[${MARK[r.status]}] ${r.name.padEnd(13)} ${r.detail}${r.fix ? `\n       fix: ${r.fix}` : ''}`,
    );
  return results.some((r) => r.status === 'fail') ? ExitCode.FAILURE : ExitCode.OK;
}
