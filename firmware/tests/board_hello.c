/*
 * board_hello.c — prints, as one JSON line, the hark_board_t a board layer builds with its generated
 * HARK_BOARD_INIT (board_pins.h of the env on the include path) and the HELLO sizes from the same
 * header. test/firmware/board-pins.test.ts compares it with the HELLO the host derives from the
 * profile (helloForProfile), field by name — so a HARK_BOARD_INIT out of step with hark_board_t's
 * field order fails there, not on a board.
 */
#include <stdio.h>

#include "hark_board.h"
#include "hark_config.h"
#include "hark_protocol.h"

#define HARK_GPIO_PIN(pin, caps) {pin, caps},
static const hark_gpio_info_t pins[] = {HARK_GPIO_TABLE};
#undef HARK_GPIO_PIN

static const hark_board_t board = HARK_BOARD_INIT(pins);

int main(void) {
  printf("{\"model\":\"%s\",\"firmwareVersion\":\"%s\",\"features\":%lu,\"micSampleRate\":%lu,\"micBits\":%u,"
         "\"micCodecs\":%u,\"defaultCodec\":%u,\"buttons\":%u,\"ledCount\":%u,\"ledKind\":%u,\"speakerKind\":%u,"
         "\"speakerSampleRate\":%lu,\"speakerCodecs\":%u,\"maxUtteranceMs\":%u,\"speakerBufferBytes\":%lu,"
         "\"maxRxPayload\":%lu,\"rxWindowBytes\":%lu,\"ledMax\":%u,\"gpioMax\":%u,\"gpio\":[",
         board.model, board.firmware_version, (unsigned long)board.features, (unsigned long)board.mic_sample_rate_hz,
         board.mic_bits, board.mic_codecs, board.default_codec, board.buttons, board.led_count, board.led_kind,
         board.speaker_kind, (unsigned long)board.speaker_sample_rate_hz, board.speaker_codecs, board.max_utterance_ms,
         (unsigned long)HARK_SPEAKER_BUFFER_BYTES, (unsigned long)HARK_RX_MAX_PAYLOAD,
         (unsigned long)HARK_RX_WINDOW_BYTES, (unsigned)HARK_LED_MAX, (unsigned)HARK_GPIO_MAX);
  for (unsigned i = 0; i < board.gpio_count; i++) {
    printf("%s{\"pin\":%u,\"caps\":%u}", i ? "," : "", board.gpio[i].pin, board.gpio[i].caps);
  }
  printf("]}\n");
  return 0;
}
