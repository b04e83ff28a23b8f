/*
 * esp32_board.cpp — the ESP32 board layer (ESP32, ATOM Echo, ESP32-S3) on Arduino-ESP32 2.0.x
 * (PlatformIO espressif32 6.x) with the legacy I2S driver. Deliberately thin: every decision (when
 * to stream, chunking, overflow, credits, debouncing, effects) is in the natively tested core; this
 * file moves samples, bytes and pin levels. It cannot be compiled where hark is developed (no ESP32
 * toolchain): `make esp32-check` type-checks it against stand-ins that declare the real Arduino-ESP32
 * 2.0.x / ESP-IDF 4.4 signatures (firmware/tests/esp32_stubs/), and every driver call's result is
 * checked.
 *
 *   I2S0 RX (INMP441: 32-bit slots, left) ─► >>14, DC removed ─► hark_mic_push ─► core capture ring
 *   core speaker ─► 512-sample staging ─► I2S1 TX (MAX98357A), or I2S0 TX half-duplex on the ATOM Echo
 *   Serial: UART0 at HARK_SERIAL_BAUD through the USB bridge, or USB CDC on the S3
 */
#include <Adafruit_NeoPixel.h>
#include <Arduino.h>
#include <driver/i2s.h>

extern "C" {
#include "board_pins.h"
#include "device/hark_device.h"
#include "hark_hal.h"
}

#define HARK_GPIO_PIN(pin, caps) {pin, caps},
static const hark_gpio_info_t esp_pins[] = {HARK_GPIO_TABLE};
#undef HARK_GPIO_PIN

/* Every field from the profile (board_pins.h is generated from boards/profiles/<id>.json). */
static const hark_board_t esp_board = HARK_BOARD_INIT(esp_pins);

static Adafruit_NeoPixel strip(HARK_LED_COUNT, HARK_PIN_LED_DATA, NEO_GRB + NEO_KHZ800);
static char uid[18];

#define MIC_PORT I2S_NUM_0
#ifdef HARK_I2S_HALF_DUPLEX
#define SPK_PORT I2S_NUM_0
#else
#define SPK_PORT I2S_NUM_1
#endif

/* ---- I2S -------------------------------------------------------------------------------------- */
static bool mic_on, spk_installed, mic_installed;
static uint32_t spk_rate_hz = HARK_SPEAKER_SAMPLE_RATE_HZ; /* the rate SPEAKER_START asked for */

/* Every field named: a pin left at 0 would be GPIO 0 (the S3's BOOT button), not "unused" — MCLK
   especially, which none of these parts needs. */
static i2s_pin_config_t pin_config(int bck, int ws, int data_out, int data_in) {
  i2s_pin_config_t pins;
  pins.mck_io_num = I2S_PIN_NO_CHANGE;
  pins.bck_io_num = bck;
  pins.ws_io_num = ws;
  pins.data_out_num = data_out;
  pins.data_in_num = data_in;
  return pins;
}

static i2s_config_t i2s_base_config(i2s_mode_t mode, uint32_t rate_hz) {
  i2s_config_t cfg = {};
  cfg.mode = mode;
  cfg.sample_rate = rate_hz;
  cfg.bits_per_sample = I2S_BITS_PER_SAMPLE_16BIT;
  cfg.channel_format = I2S_CHANNEL_FMT_ONLY_LEFT;
  cfg.communication_format = I2S_COMM_FORMAT_STAND_I2S;
  cfg.mclk_multiple = I2S_MCLK_MULTIPLE_DEFAULT;
  cfg.bits_per_chan = I2S_BITS_PER_CHAN_DEFAULT;
  return cfg;
}

/* Installs the driver and routes its pins; on any failure the port is left uninstalled, the error is
   logged (LOG frame), and the caller tries again the next time it needs the port. */
static bool install(i2s_port_t port, const i2s_config_t &cfg, const i2s_pin_config_t &pins, const char *pstr_what) {
  if (i2s_driver_install(port, &cfg, 0, NULL) != ESP_OK) {
    hark_device_log(HARK_LOG_ERROR, pstr_what);
    return false;
  }
  if (i2s_set_pin(port, &pins) != ESP_OK) {
    i2s_driver_uninstall(port);
    hark_device_log(HARK_LOG_ERROR, pstr_what);
    return false;
  }
  return true;
}

static void install_mic(void) {
  if (mic_installed) return;
#ifdef HARK_MIC_KIND_PDM
  i2s_config_t cfg = i2s_base_config((i2s_mode_t)(I2S_MODE_MASTER | I2S_MODE_RX | I2S_MODE_PDM), HARK_MIC_SAMPLE_RATE_HZ);
  i2s_pin_config_t pins = pin_config(I2S_PIN_NO_CHANGE, HARK_PIN_MIC_CLK, I2S_PIN_NO_CHANGE, HARK_PIN_MIC_DIN);
#else
  i2s_config_t cfg = i2s_base_config((i2s_mode_t)(I2S_MODE_MASTER | I2S_MODE_RX), HARK_MIC_SAMPLE_RATE_HZ);
  cfg.bits_per_sample = I2S_BITS_PER_SAMPLE_32BIT; /* INMP441: 24 bits left-justified in 32-bit slots */
  i2s_pin_config_t pins = pin_config(HARK_PIN_MIC_BCLK, HARK_PIN_MIC_WS, I2S_PIN_NO_CHANGE, HARK_PIN_MIC_DIN);
#endif
  cfg.dma_buf_count = 8;
  cfg.dma_buf_len = 256;
  mic_installed = install(MIC_PORT, cfg, pins, HARK_PSTR("I2S mic: driver or pin set-up failed"));
}

/* The amplifier's DMA queue holds 4 × 128 frames (32 ms at 16 kHz): short enough that a TONE step
   starts within ~40 ms of its frame and keeps its length (a 128 ms queue made short earcon steps start
   late), long enough to ride over a slow loop pass. Speech is buffered by the core (16+ KiB). */
static void install_spk(void) {
  if (spk_installed) return;
#ifdef HARK_I2S_HALF_DUPLEX
  if (mic_installed) { /* one peripheral: the amp waits until the mic is off */
    if (mic_on) return;
    i2s_driver_uninstall(MIC_PORT);
    mic_installed = false;
  }
#endif
  i2s_config_t cfg = i2s_base_config((i2s_mode_t)(I2S_MODE_MASTER | I2S_MODE_TX), spk_rate_hz);
  cfg.dma_buf_count = 4;
  cfg.dma_buf_len = 128;
  cfg.tx_desc_auto_clear = true; /* silence, not a repeated buffer, on underrun */
  i2s_pin_config_t pins =
      pin_config(HARK_PIN_SPEAKER_BCLK, HARK_PIN_SPEAKER_LRC, HARK_PIN_SPEAKER_DOUT, I2S_PIN_NO_CHANGE);
  spk_installed = install(SPK_PORT, cfg, pins, HARK_PSTR("I2S speaker: driver or pin set-up failed"));
}

/* Speaker staging: the core writes what room() allows; the pump hands it to DMA without blocking. */
#define STAGE_SAMPLES 512
#define TONE_LEAD_SAMPLES 128 /* tones are generated at most 8 ms ahead of the DMA queue */
static int16_t stage[STAGE_SAMPLES];
static uint16_t stage_len;
static bool spk_open;
static uint16_t tone_freq;
static uint8_t tone_volume;
static uint32_t tone_phase;

static void speaker_pump(void) {
  if (!spk_open && tone_freq != 0 && stage_len < TONE_LEAD_SAMPLES) {
    /* Earcons on PCM boards: a square wave at the TONE step's volume (of a quarter full scale). */
    int16_t amp = (int16_t)(8191 * tone_volume / 100);
    uint32_t step = ((uint32_t)tone_freq << 16) / spk_rate_hz;
    while (stage_len < TONE_LEAD_SAMPLES) {
      tone_phase += step;
      stage[stage_len++] = (tone_phase & 0x8000u) ? amp : (int16_t)-amp;
    }
  }
  if (stage_len == 0) return;
  install_spk();
  if (!spk_installed) return;
  size_t written = 0;
  if (i2s_write(SPK_PORT, stage, stage_len * sizeof(int16_t), &written, 0) != ESP_OK) written = 0;
  uint16_t n = (uint16_t)(written / sizeof(int16_t));
  memmove(stage, stage + n, (stage_len - n) * sizeof(int16_t));
  stage_len = (uint16_t)(stage_len - n);
}

/* ---- LEDC (PWM and servo pins) ---------------------------------------------------------------- */
/* Arduino-ESP32 2.0.x gives LEDC channel c the timer (c / 2) % 4 of group c / 8, so channels 2k and
   2k + 1 share a timer: a servo at 50 Hz next to a PWM pin at 5 kHz would reprogram each other's
   frequency. Each PWM-capable pin therefore gets an even channel of its own, 2 × (its rank among the
   PWM-capable pins), i.e. a timer of its own. The ESP32-S3 has 8 channels (4 timers), so at most 4
   such pins; the tables in board_pins.h have at most 4. */
#define LEDC_TIMERS 4
static int8_t ledc_channel_of(uint8_t pin) {
  uint8_t rank = 0;
  for (uint8_t i = 0; i < esp_board.gpio_count; i++) {
    if ((esp_pins[i].caps & (HARK_GPIO_CAP_PWM | HARK_GPIO_CAP_SERVO)) == 0) continue;
    if (esp_pins[i].pin == pin) return rank < LEDC_TIMERS ? (int8_t)(2 * rank) : (int8_t)-1;
    rank++;
  }
  return -1;
}
static uint64_t attached_bit(uint8_t pin) { return (uint64_t)1 << (pin & 63u); }
static uint64_t ledc_pins; /* pins attached to their LEDC channel */

/* ---- HAL -------------------------------------------------------------------------------------- */
extern "C" {
uint32_t hark_hal_millis(void) { return millis(); }
void hark_hal_irq_lock(void) {} /* the mic is read in loop(): one thread */
void hark_hal_irq_unlock(void) {}

uint16_t hark_hal_serial_read(uint8_t *dst, uint16_t max) {
  int n = Serial.available();
  if (n <= 0) return 0;
  return (uint16_t)Serial.read(dst, n < max ? n : max);
}
/* UART boards: each "RX buffer full" / "FIFO overflow" event from the UART driver lost at least one
   frame (a lower bound: the driver does not say how many delimiters it dropped). USB CDC (the S3)
   has USB flow control and never drops. */
static volatile uint16_t rx_lost_events;
uint16_t hark_hal_serial_rx_lost(void) { return rx_lost_events; }
uint16_t hark_hal_serial_tx_room(void) {
  int n = Serial.availableForWrite();
  return n > 0xFFFF ? 0xFFFF : (uint16_t)(n > 0 ? n : 0);
}
void hark_hal_serial_write(const uint8_t *src, uint16_t len) { Serial.write(src, len); }

bool hark_hal_button_pressed(uint8_t id) {
  return id == 0 && digitalRead(HARK_PIN_BUTTON_0) == (HARK_BUTTON_0_ACTIVE_LOW ? LOW : HIGH);
}

void hark_hal_led_write(uint8_t index, uint8_t r, uint8_t g, uint8_t b) { strip.setPixelColor(index, r, g, b); }
void hark_hal_led_show(void) { strip.show(); }

void hark_hal_tone(uint16_t freq_hz, uint8_t volume_pct) {
  tone_freq = volume_pct == 0 ? 0 : freq_hz;
  tone_volume = volume_pct;
  if (tone_freq == 0 && !spk_open) stage_len = 0;
}

void hark_hal_speaker_open(uint32_t sample_rate_hz) {
  spk_open = sample_rate_hz != 0;
  if (spk_open && sample_rate_hz != spk_rate_hz) {
    /* Installed now (two I2S ports) or later (the ATOM Echo's half-duplex port): either way at this rate. */
    spk_rate_hz = sample_rate_hz;
    if (spk_installed && i2s_set_sample_rates(SPK_PORT, sample_rate_hz) != ESP_OK) {
      hark_device_log(HARK_LOG_ERROR, HARK_PSTR("I2S speaker: sample rate not accepted"));
    }
  }
  if (!spk_open) stage_len = 0;
}
uint16_t hark_hal_speaker_room(void) { return (uint16_t)(STAGE_SAMPLES - stage_len); }
void hark_hal_speaker_write(const int16_t *samples, uint16_t n) {
  memcpy(stage + stage_len, samples, n * sizeof(int16_t));
  stage_len = (uint16_t)(stage_len + n);
}

void hark_hal_mic_enable(bool on) {
  mic_on = on;
#ifdef HARK_I2S_HALF_DUPLEX
  if (on && spk_installed) {
    i2s_driver_uninstall(SPK_PORT);
    spk_installed = false;
  }
#endif
  if (on) {
    install_mic();
    if (mic_installed) i2s_zero_dma_buffer(MIC_PORT); /* stale DMA audio is not part of this utterance */
  }
}

void hark_hal_mic_poll(void) {
  speaker_pump();
  if (!mic_on || !mic_installed) return;
#ifdef HARK_MIC_KIND_PDM
  static int16_t raw[256];
#else
  static int32_t raw[256];
#endif
  static int16_t pcm[256];
  static int32_t dc; /* DC estimate × 256: one-pole high-pass, corner ≈ 10 Hz */
  size_t got = 0;
  if (i2s_read(MIC_PORT, raw, sizeof raw, &got, 0) != ESP_OK) got = 0;
  size_t n = got / sizeof raw[0];
  for (size_t i = 0; i < n; i++) {
#ifdef HARK_MIC_KIND_PDM
    int32_t x = raw[i];
#else
    int32_t x = raw[i] >> 14; /* 24-bit sample in the top of the slot → 16 bits with 4× gain */
#endif
    dc += x - (dc >> 8);
    x -= dc >> 8;
    pcm[i] = (int16_t)(x > 32767 ? 32767 : x < -32768 ? -32768 : x);
  }
  if (n > 0) hark_mic_push(pcm, (uint16_t)n);
}

void hark_hal_gpio_mode(uint8_t pin, uint8_t mode) {
  int8_t ch = ledc_channel_of(pin);
  if (mode != HARK_GPIO_PWM && mode != HARK_GPIO_SERVO && (ledc_pins & attached_bit(pin))) {
    ledcDetachPin(pin); /* back to a plain GPIO: digitalWrite must drive it, not the old duty cycle */
    ledc_pins &= ~attached_bit(pin);
  }
  switch (mode) {
    case HARK_GPIO_OUTPUT: pinMode(pin, OUTPUT); break;
    case HARK_GPIO_INPUT_PULLUP: pinMode(pin, INPUT_PULLUP); break;
    case HARK_GPIO_PWM:
    case HARK_GPIO_SERVO:
      if (ch < 0) break; /* more PWM pins than timers: the core's table never gets here */
      /* servo at 50 Hz with 16-bit duty, PWM at 5 kHz with 8-bit duty, each on a timer of its own */
      if (ledcSetup((uint8_t)ch, mode == HARK_GPIO_SERVO ? 50 : 5000, mode == HARK_GPIO_SERVO ? 16 : 8) == 0) {
        hark_device_log(HARK_LOG_ERROR, HARK_PSTR("LEDC: frequency / resolution not available"));
        break;
      }
      ledcAttachPin(pin, (uint8_t)ch);
      ledc_pins |= attached_bit(pin);
      break;
    default: pinMode(pin, INPUT); break;
  }
}

void hark_hal_gpio_write(uint8_t pin, uint8_t mode, uint16_t value) {
  if (mode == HARK_GPIO_OUTPUT) {
    digitalWrite(pin, value ? HIGH : LOW);
    return;
  }
  int8_t ch = ledc_channel_of(pin);
  if (ch < 0) return;
  /* servo: 500..2500 µs of the 20 ms period in 16-bit duty; PWM: 0..255 (0 is a steady low) */
  ledcWrite((uint8_t)ch, mode == HARK_GPIO_SERVO ? (uint32_t)(500u + value * 2000u / 180u) * 65536u / 20000u : value);
}

uint16_t hark_hal_gpio_read(uint8_t pin, uint8_t mode) {
  if (mode == HARK_GPIO_ANALOG) return (uint16_t)(analogRead(pin) >> 2); /* 12-bit → 0..1023 */
  return digitalRead(pin) == HIGH ? 1 : 0;
}

void hark_hal_debug(uint8_t level, const char *text) {
  (void)level;
  (void)text; /* the serial port carries frames only; logs go to the host as LOG frames */
}

const char *hark_board_uid(void) { return uid; }
} /* extern "C" */

/* ---- Arduino entry points ----------------------------------------------------------------------- */
void setup() {
  /* Buffer sizes before begin(): the S3's USB CDC (HWCDC) keeps a 256-byte TX ring otherwise, and a
     20 ms PCM16 frame (~652 bytes) would never find room; the UART driver sizes its rings in begin(). */
  Serial.setRxBufferSize(HARK_RX_WINDOW_BYTES); /* the window HELLO announces (the profile's rxWindowBytes) */
  Serial.setTxBufferSize(8192); /* ~90 ms of 16 kHz PCM16 frames at 921600 baud */
#ifndef HARK_SERIAL_USB_CDC
  Serial.onReceiveError([](hardwareSerial_error_t e) {
    if (e == UART_BUFFER_FULL_ERROR || e == UART_FIFO_OVF_ERROR) rx_lost_events = (uint16_t)(rx_lost_events + 1u);
  });
#endif
  Serial.begin(HARK_SERIAL_BAUD);
  pinMode(HARK_PIN_BUTTON_0, HARK_PIN_BUTTON_0 >= 34 && HARK_PIN_BUTTON_0 <= 39 ? INPUT : INPUT_PULLUP);
  strip.begin();
  strip.clear();
  strip.show();
  uint64_t mac = ESP.getEfuseMac();
  snprintf(uid, sizeof uid, "%02x:%02x:%02x:%02x:%02x:%02x", (uint8_t)mac, (uint8_t)(mac >> 8), (uint8_t)(mac >> 16),
           (uint8_t)(mac >> 24), (uint8_t)(mac >> 32), (uint8_t)(mac >> 40));
  install_mic();
  hark_device_setup(&esp_board);
}

void loop() { hark_device_loop(); }
