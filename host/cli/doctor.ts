/**
 * `hark doctor` — checks what a board and hark need on this computer: speech engines and models,
 * espeak-ng, socat, serial permissions (dialout group), udev and the hark udev rule, the hark service,
 * the config.
 * Each check catches its own failure, so doctor never crashes; it exits 1 only when a required
 * piece is missing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../base/errors.js';
import { ConfigStore } from '../config/index.js';
import { bundledVoskLibrary } from '../transcription/engines/vosk.js';
import { configDirOf, parseCommandArgs } from './args.js';
import {
  type CheckResult,
  type CheckStatus,
  checkService,
  checkUdevRule,
  type DeployCheckOptions,
} from './doctor-deploy.js';
import type { MainIo } from './main.js';
import { CliReporter } from './reporter.js';

export type { CheckResult, CheckStatus } from './doctor-deploy.js';

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

async function checkPocketsphinx(modelDir: string): Promise<CheckResult> {
  const lib = findLib(['libpocketsphinx.so.3', 'libpocketsphinx.so.5']);
  const model = existsSync(join(modelDir, 'en-us', 'mdef'));
  if (lib && model) return { name: 'pocketsphinx', status: 'ok', detail: `${lib}, model ${modelDir}` };
  return {
    name: 'pocketsphinx',
    status: 'fail',
    detail: `${lib ? 'library found' : 'libpocketsphinx.so.3 not found'}; ${model ? 'model found' : `no model in ${modelDir}`}`,
    fix: 'sudo apt-get install libpocketsphinx3 pocketsphinx-en-us',
  };
}

function checkVosk(voskModel: string, configuredLibrary: string): CheckResult {
  const lib = configuredLibrary || bundledVoskLibrary();
  const libText = configuredLibrary
    ? `library ${configuredLibrary}${existsSync(configuredLibrary) ? '' : ' (missing)'}`
    : lib
      ? `library ${lib} (vosk package)`
      : 'no libvosk (npm install vosk --ignore-scripts, or set transcription.vosk.library)';
  if (!voskModel) {
    return {
      name: 'vosk',
      status: 'warn',
      detail: `${libText}; no model configured (optional engine)`,
      fix: 'download a small model from alphacephei.com/vosk/models, then hark config set transcription.vosk.model /path/to/model',
    };
  }
  const modelOk = existsSync(join(voskModel, 'am')) || existsSync(join(voskModel, 'final.mdl'));
  const graph = existsSync(join(voskModel, 'graph', 'Gr.fst')) || existsSync(join(voskModel, 'Gr.fst'));
  return {
    name: 'vosk',
    status: lib && existsSync(lib) && modelOk ? (graph ? 'ok' : 'warn') : 'fail',
    detail: `${libText}; model ${voskModel} ${modelOk ? 'found' : 'missing'}${modelOk && !graph ? ' (no Gr.fst: runtime grammars unavailable)' : ''}`,
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

/** Runs every check; never throws. */
export async function runChecks(configDir?: string, deploy: DeployCheckOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const guard = async (name: string, f: () => Promise<CheckResult> | CheckResult) => {
    try {
      results.push(await f());
    } catch (e) {
      results.push({ name, status: 'fail', detail: `check failed: ${(e as Error).message}` });
    }
  };
  let vosk = { model: '', library: '' };
  let psModel = POCKETSPHINX_MODEL;
  await guard('config', () => {
    const store = new ConfigStore(configDir ? { cwd: configDir } : {});
    let report: ReturnType<ConfigStore['report']>;
    try {
      report = store.report();
    } catch (e) {
      return {
        name: 'config',
        status: 'fail',
        detail: (e as Error).message,
        fix: `hark config get (or edit ${store.path}); hark stops with exit 3 until this is fixed`,
      };
    }
    const cfg = report.config;
    vosk = cfg.transcription.vosk;
    psModel = cfg.transcription.pocketsphinx.model;
    const where = existsSync(store.path) ? store.path : 'defaults (no file)';
    return {
      name: 'config',
      status: report.warnings.length ? 'warn' : 'ok',
      detail: [`${where}; engine ${cfg.transcription.engine}`, ...report.warnings].join('; '),
      ...(report.warnings.length ? { fix: 'unset or rename the variables named above' } : {}),
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
  await guard('pocketsphinx', () => checkPocketsphinx(psModel));
  await guard('vosk', () => checkVosk(vosk.model, vosk.library));
  await guard('espeak-ng', () =>
    checkTool('espeak-ng', ['--version'], true, 'sudo apt-get install espeak-ng'),
  );
  await guard('socat', () =>
    checkTool('socat', ['-V'], false, 'sudo apt-get install socat (needed by hark demo/emulate)'),
  );
  await guard('serial', checkSerial);
  await guard('udev', () => checkUdevRule(deploy));
  await guard('service', () => checkService(deploy));
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
