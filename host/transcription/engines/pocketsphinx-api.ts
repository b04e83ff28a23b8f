/**
 * koffi binding of the 0.8+5prealpha C API (Debian bookworm's libpocketsphinx3 + libsphinxbase3),
 * loaded once per thread. PocketSphinx 5 (libpocketsphinx.so.5, ps_config_*) is detected and
 * refused with a clear message.
 */
import koffi, { type LibraryHandle } from 'koffi';
import { HarkError } from '../../../base/errors.js';

export type Fn = (...args: unknown[]) => unknown;
/** The C functions hark calls (handles are opaque pointers). */
export interface PsApi {
  ps_args: Fn;
  cmd_ln_init: Fn;
  cmd_ln_free_r: Fn;
  cmd_ln_set_float_r: Fn;
  ps_init: Fn;
  ps_free: Fn;
  ps_get_config: Fn;
  ps_get_logmath: Fn;
  logmath_exp: Fn;
  ps_add_word: Fn;
  ckd_free: Fn;
  ps_set_jsgf_string: Fn;
  ps_set_keyphrase: Fn;
  ps_set_lm_file: Fn;
  ps_set_allphone_file: Fn;
  ps_load_dict: Fn;
  ps_nbest: Fn;
  ps_nbest_next: Fn;
  ps_nbest_hyp: Fn;
  ps_nbest_free: Fn;
  ps_set_search: Fn;
  ps_start_utt: Fn;
  ps_process_raw: Fn;
  ps_end_utt: Fn;
  ps_get_hyp: Fn;
  ps_get_prob: Fn;
  ps_get_n_frames: Fn;
  ps_seg_iter: Fn;
  ps_seg_next: Fn;
  ps_seg_word: Fn;
  ps_seg_frames: Fn;
  ps_seg_prob: Fn;
  ps_get_feat: Fn;
  cmn_live_get: Fn;
  cmn_live_set: Fn;
  err_set_logfp: Fn;
  err_get_logfp: Fn;
  /** The leading fields of sphinxbase's feat_t, up to the CMN state (feat.h, 5prealpha). */
  featPrefix: ReturnType<typeof koffi.struct>;
  /** koffi itself, for decoding the arrays the front end returns. */
  koffi: typeof koffi;
}

let api: PsApi | undefined;

function tryLoad(names: string[]): LibraryHandle | undefined {
  for (const n of names) {
    try {
      return koffi.load(n);
    } catch {
      // try the next name
    }
  }
  return undefined;
}

/** Loads the library once per thread; throws a HarkError explaining what to install. */
export function loadPocketsphinx(): PsApi {
  if (api) return api;
  const ps = tryLoad(['libpocketsphinx.so.3', 'libpocketsphinx.3.dylib']);
  const sb = tryLoad(['libsphinxbase.so.3', 'libsphinxbase.3.dylib']);
  if (!ps || !sb) {
    if (tryLoad(['libpocketsphinx.so.5', 'libpocketsphinx.5.dylib'])) {
      throw new HarkError(
        'HARK_ERR_TRANSCRIPTION_POCKETSPHINX',
        'found pocketsphinx 5 (libpocketsphinx.so.5), whose C API (ps_config_*) hark does not bind yet; ' +
          'install the 0.8/5prealpha library (Debian bookworm: sudo apt-get install libpocketsphinx3 pocketsphinx-en-us) ' +
          'or use the vosk engine (see host/transcription/README.md)',
      );
    }
    throw new HarkError(
      'HARK_ERR_TRANSCRIPTION_POCKETSPHINX',
      'libpocketsphinx.so.3 / libsphinxbase.so.3 not found: sudo apt-get install libpocketsphinx3 pocketsphinx-en-us',
    );
  }
  const p = (decl: string) => ps.func(decl) as Fn;
  const s = (decl: string) => sb.func(decl) as Fn;
  api = {
    ps_args: p('void *ps_args()'),
    cmd_ln_init: s('void *cmd_ln_init(void *inout, void *defn, int strict, ...)'),
    cmd_ln_free_r: s('int cmd_ln_free_r(void *cmdln)'),
    cmd_ln_set_float_r: s('void cmd_ln_set_float_r(void *cmdln, const char *name, double fv)'),
    ps_init: p('void *ps_init(void *config)'),
    ps_free: p('int ps_free(void *ps)'),
    ps_get_config: p('void *ps_get_config(void *ps)'),
    ps_get_logmath: p('void *ps_get_logmath(void *ps)'),
    logmath_exp: s('double logmath_exp(void *lmath, int logb_p)'),
    ps_add_word: p('int ps_add_word(void *ps, const char *word, const char *phones, int update)'),
    ckd_free: s('void ckd_free(void *ptr)'),
    ps_set_jsgf_string: p('int ps_set_jsgf_string(void *ps, const char *name, const char *jsgf)'),
    ps_set_keyphrase: p('int ps_set_keyphrase(void *ps, const char *name, const char *keyphrase)'),
    ps_set_lm_file: p('int ps_set_lm_file(void *ps, const char *name, const char *path)'),
    ps_set_allphone_file: p('int ps_set_allphone_file(void *ps, const char *name, const char *path)'),
    ps_load_dict: p(
      'int ps_load_dict(void *ps, const char *dictfile, const char *fdictfile, const char *format)',
    ),
    ps_nbest: p('void *ps_nbest(void *ps)'),
    ps_nbest_next: p('void *ps_nbest_next(void *nbest)'),
    ps_nbest_hyp: p('const char *ps_nbest_hyp(void *nbest, _Out_ int *score)'),
    ps_nbest_free: p('void ps_nbest_free(void *nbest)'),
    ps_set_search: p('int ps_set_search(void *ps, const char *name)'),
    ps_start_utt: p('int ps_start_utt(void *ps)'),
    ps_process_raw: p(
      'int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)',
    ),
    ps_end_utt: p('int ps_end_utt(void *ps)'),
    ps_get_hyp: p('const char *ps_get_hyp(void *ps, _Out_ int *score)'),
    ps_get_prob: p('int ps_get_prob(void *ps)'),
    ps_get_n_frames: p('int ps_get_n_frames(void *ps)'),
    ps_seg_iter: p('void *ps_seg_iter(void *ps)'),
    ps_seg_next: p('void *ps_seg_next(void *seg)'),
    ps_seg_word: p('const char *ps_seg_word(void *seg)'),
    ps_seg_frames: p('void ps_seg_frames(void *seg, _Out_ int *sf, _Out_ int *ef)'),
    ps_seg_prob: p('int ps_seg_prob(void *seg, _Out_ int *ascr, _Out_ int *lscr, _Out_ int *lback)'),
    ps_get_feat: p('void *ps_get_feat(void *ps)'),
    cmn_live_get: s('void cmn_live_get(void *cmn, _Out_ float *vec)'),
    cmn_live_set: s('void cmn_live_set(void *cmn, const float *vec)'),
    err_set_logfp: s('void err_set_logfp(void *stream)'),
    err_get_logfp: s('void *err_get_logfp()'),
    featPrefix: koffi.struct({
      refcount: 'int',
      name: 'void *',
      cepsize: 'int32_t',
      n_stream: 'int32_t',
      stream_len: 'void *',
      window_size: 'int32_t',
      n_sv: 'int32_t',
      sv_len: 'void *',
      subvecs: 'void *',
      sv_buf: 'void *',
      sv_dim: 'int32_t',
      cmn: 'int',
      varnorm: 'int32_t',
      agc: 'int',
      compute_feat: 'void *',
      cmn_struct: 'void *',
    }),
    koffi,
  };
  return api;
}
