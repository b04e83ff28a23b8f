/* board_pins.h — the native emulated board (the core built for the host, firmware/native/).
 * Mirrors boards/profiles/emulated.json: 16 kHz mic, PCM speaker with a 16 KiB buffer, one
 * addressable LED, one button, GPIO 2, 4, 5, 34. No real pins: the GPIO are simulated. */
#ifndef BOARD_PINS_H
#define BOARD_PINS_H

#define HARK_BOARD_PROFILE "emulated"
#define HARK_MIC_SAMPLE_RATE_HZ 16000
#define HARK_CAPTURE_RING_SAMPLES 4096 /* 256 ms */
#define HARK_CHUNK_MAX_SAMPLES 320     /* 20 ms */
#define HARK_SPEAKER_BUFFER_BYTES 16384
#define HARK_RX_MAX_PAYLOAD 1024
#define HARK_LED_MAX 1
#define HARK_GPIO_MAX 4

#endif
