/*
 * hark_speaker.h — speaker stream buffer with the protocol's credit-based flow control (SPEC §4.6).
 *
 * Bytes of encoded audio (PCM16 or µ-law) arrive in SPEAKER_DATA frames into a byte ring; the
 * loop decodes them into the HAL's PCM sink as fast as the sink takes them, applying the volume.
 * Credit accounting keeps the invariant  buffered + credit_outstanding ≤ size, so a host that
 * respects its credit can never overrun the buffer whatever the link speed; data beyond the
 * credit is refused (SPEAKER_OVERRUN) rather than overwriting audio.
 *
 * The module never sends anything itself: after each call the owner asks hark_speaker_take_report
 * whether a SPEAKER_CREDIT is due (first grant, ≥ 25 % of the buffer freed, finished, stopped).
 */
#ifndef HARK_SPEAKER_H
#define HARK_SPEAKER_H

#include <stdbool.h>
#include <stdint.h>

#include "hark_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HARK_SPEAKER_PLAYING 0
#define HARK_SPEAKER_FINISHED 1
#define HARK_SPEAKER_STOPPED 2

/** Result of hark_speaker_data. */
typedef enum {
  HARK_SPEAKER_OK = 0,
  HARK_SPEAKER_IGNORED,  /**< no such stream playing (late data after STOP): dropped silently */
  HARK_SPEAKER_OVERRUN,  /**< more than credited: dropped, the owner sends ERROR SPEAKER_OVERRUN */
  HARK_SPEAKER_PARTIAL   /**< PCM16 data of an odd byte count (not whole samples, SPEC §4.6.6): dropped */
} hark_speaker_result_t;

/** A report is exactly the SPEAKER_CREDIT message body (protocol/c/hark_msg.h): no copy to keep in step. */
typedef hark_speaker_credit_t hark_speaker_report_t;

typedef struct {
  uint8_t *buf;
  uint16_t size;
  uint16_t head, used;        /**< ring of encoded bytes */
  uint32_t outstanding;       /**< credit granted and not yet used by the host */
  uint32_t freed;             /**< bytes freed since the last grant */
  uint32_t played_samples;    /**< of the current stream */
  uint16_t underruns;
  uint8_t stream;
  uint8_t codec;              /**< 0 PCM16, 1 µ-law */
  uint8_t phase;              /**< hark_speaker_phase_t */
  uint8_t volume_pct;
  bool starved;               /**< inside an underrun episode (counted once) */
  bool report_due;
  uint8_t report_state;
} hark_speaker_t;

typedef enum { HARK_SPK_IDLE = 0, HARK_SPK_PLAYING, HARK_SPK_DRAINING } hark_speaker_phase_t;

/** buf of size bytes (even, ≥ 64). */
void hark_speaker_init(hark_speaker_t *s, uint8_t *buf, uint16_t size);
/** SPEAKER_START: returns false for a codec the board cannot play (owner sends UNSUPPORTED). */
bool hark_speaker_start(hark_speaker_t *s, uint8_t stream, uint8_t codec, uint32_t sample_rate_hz);
hark_speaker_result_t hark_speaker_data(hark_speaker_t *s, uint8_t stream, const uint8_t *data,
                                        uint16_t len);
/** SPEAKER_END: play what is buffered, then report FINISHED. */
void hark_speaker_end(hark_speaker_t *s, uint8_t stream);
/** SPEAKER_STOP (or a host reconnect): discard now, report STOPPED. */
void hark_speaker_stop(hark_speaker_t *s, uint8_t stream);
/** Feed the sink; call every loop. */
void hark_speaker_loop(hark_speaker_t *s);
/** True (and fills r) when a SPEAKER_CREDIT should be sent now. */
bool hark_speaker_take_report(hark_speaker_t *s, hark_speaker_report_t *r);
static inline bool hark_speaker_active(const hark_speaker_t *s) { return s->phase != HARK_SPK_IDLE; }

#ifdef __cplusplus
}
#endif
#endif
