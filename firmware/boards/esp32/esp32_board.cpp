/*
 * esp32_board.cpp — the ESP32 board layer (ESP32, ATOM Echo, ESP32-S3) on Arduino-ESP32 2.0.x
 * (PlatformIO espressif32 6.x) with the legacy I2S driver. Deliberately thin: every decision (when
 * to stream, chunking, overflow, credits, debouncing, effects) is in the natively tested core; this
 * file moves samples, bytes and pin levels. It cannot be compiled where hark is developed (no ESP32
 * toolchain), so it uses only long-stable APIs.
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

static const hark_board_t esp_board = {
    HARK_BOARD_PROFILE,
    HARK_FIRMWARE_VERSION,
    HARK_FEATURE_AUDIO_PCM16 | HARK_FEATURE_AUDIO_ULAW | HARK_FEATURE_AUDIO_ADPCM | HARK_FEATURE_SPEAKER |
        HARK_FEATURE_TONE | HARK_FEATURE_LED | HARK_FEATURE_GPIO | HARK_FEATURE_BOARD_VAD | HARK_FEATURE_CAPTURE,
    HARK_MIC_SAMPLE_RATE_HZ,
    HARK_MIC_BITS,
    (1u << HARK_CODEC_PCM16) | (1u << HARK_CODEC_ULAW) | (1u << HARK_CODEC_IMA_ADPCM),
    HARK_CODEC_PCM16,
    1,
    HARK_LED_COUNT,
    HARK_LED_KIND_ADDRESSABLE_RGB,
    HARK_SPEAKER_KIND_PCM,
    HARK_SPEAKER_SAMPLE_RATE_HZ,
    (1u << HARK_CODEC_PCM16) | (1u << HARK_CODEC_ULAW),
    15000,
    esp_pins,
    sizeof esp_pins / sizeof esp_pins[0],
};

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

static void install_mic(void) {
  if (mic_installed) return;
  i2s_config_t cfg = {};
#ifdef HARK_MIC_KIND_PDM
  cfg.mode = (i2s_mode_t)(I2S_MODE_MASTER | I2S_MODE_RX | I2S_MODE_PDM);
  cfg.bits_per_sample = I2S_BITS_PER_SAMPLE_16BIT;
#else
  cfg.mode = (i2s_mode_t)(I2S_MODE_MASTER | I2S_MODE_RX);
  cfg.bits_per_sample = I2S_BITS_PER_SAMPLE_32BIT; /* INMP441: 24 bits left-justified in 32-bit slots */
#endif
  cfg.sample_rate = HARK_MIC_SAMPLE_RATE_HZ;
  cfg.channel_format = I2S_CHANNEL_FMT_ONLY_LEFT;
  cfg.communication_format = I2S_COMM_FORMAT_STAND_I2S;
  cfg.dma_buf_count = 8;
  cfg.dma_buf_len = 256;
  i2s_pin_config_t pins = {};
#ifdef HARK_MIC_KIND_PDM
  pins.bck_io_num = I2S_PIN_NO_CHANGE;
  pins.ws_io_num = HARK_PIN_MIC_CLK;
#else
  pins.bck_io_num = HARK_PIN_MIC_BCLK;
  pins.ws_io_num = HARK_PIN_MIC_WS;
#endif
  pins.data_out_num = I2S_PIN_NO_CHANGE;
  pins.data_in_num = HARK_PIN_MIC_DIN;
  i2s_driver_install(MIC_PORT, &cfg, 0, NULL);
  i2s_set_pin(MIC_PORT, &pins);
  mic_installed = true;
}

static void install_spk(void) {
  if (spk_installed) return;
#ifdef HARK_I2S_HALF_DUPLEX
  if (mic_installed) { /* one peripheral: the amp waits until the mic is off */
    if (mic_on) return;
    i2s_driver_uninstall(MIC_PORT);
    mic_installed = false;
  }
#endif
  i2s_config_t cfg = {};
  cfg.mode = (i2s_mode_t)(I2S_MODE_MASTER | I2S_MODE_TX);
  cfg.sample_rate = HARK_SPEAKER_SAMPLE_RATE_HZ;
  cfg.bits_per_sample = I2S_BITS_PER_SAMPLE_16BIT;
  cfg.channel_format = I2S_CHANNEL_FMT_ONLY_LEFT;
  cfg.communication_format = I2S_COMM_FORMAT_STAND_I2S;
  cfg.dma_buf_count = 8;
  cfg.dma_buf_len = 256;
  cfg.tx_desc_auto_clear = true; /* silence, not a repeated buffer, on underrun */
  i2s_pin_config_t pins = {};
  pins.bck_io_num = HARK_PIN_SPEAKER_BCLK;
  pins.ws_io_num = HARK_PIN_SPEAKER_LRC;
  pins.data_out_num = HARK_PIN_SPEAKER_DOUT;
  pins.data_in_num = I2S_PIN_NO_CHANGE;
  i2s_driver_install(SPK_PORT, &cfg, 0, NULL);
  i2s_set_pin(SPK_PORT, &pins);
  spk_installed = true;
}

/* Speaker staging: the core writes what room() allows; the pump hands it to DMA without blocking. */
#define STAGE_SAMPLES 512
static int16_t stage[STAGE_SAMPLES];
static uint16_t stage_len;
static bool spk_open;
static uint16_t tone_freq;
static uint8_t tone_volume;
static uint32_t tone_phase;

static void speaker_pump(void) {
  if (!spk_open && tone_freq != 0 && stage_len < STAGE_SAMPLES) {
    /* Earcons on PCM boards: a square wave at the TONE step's volume (of a quarter full scale). */
    int16_t amp = (int16_t)(8191 * tone_volume / 100);
    uint32_t step = ((uint32_t)tone_freq << 16) / HARK_SPEAKER_SAMPLE_RATE_HZ;
    while (stage_len < STAGE_SAMPLES) {
      tone_phase += step;
      stage[stage_len++] = (tone_phase & 0x8000u) ? amp : (int16_t)-amp;
    }
  }
  if (stage_len == 0) return;
  install_spk();
  if (!spk_installed) return;
  size_t written = 0;
  i2s_write(SPK_PORT, stage, stage_len * sizeof(int16_t), &written, 0);
  uint16_t n = (uint16_t)(written / sizeof(int16_t));
  memmove(stage, stage + n, (stage_len - n) * sizeof(int16_t));
  stage_len = (uint16_t)(stage_len - n);
}

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
  if (spk_open && sample_rate_hz != HARK_SPEAKER_SAMPLE_RATE_HZ && spk_installed) {
    i2s_set_sample_rates(SPK_PORT, sample_rate_hz);
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
    i2s_zero_dma_buffer(MIC_PORT); /* stale DMA audio is not part of this utterance */
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
  i2s_read(MIC_PORT, raw, sizeof raw, &got, 0);
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
  switch (mode) {
    case HARK_GPIO_OUTPUT: pinMode(pin, OUTPUT); break;
    case HARK_GPIO_INPUT_PULLUP: pinMode(pin, INPUT_PULLUP); break;
    case HARK_GPIO_PWM:
    case HARK_GPIO_SERVO: {
      /* One LEDC channel per pin table entry; servo at 50 Hz, PWM at 5 kHz. */
      for (uint8_t i = 0; i < esp_board.gpio_count; i++) {
        if (esp_pins[i].pin != pin) continue;
        ledcSetup(i, mode == HARK_GPIO_SERVO ? 50 : 5000, mode == HARK_GPIO_SERVO ? 16 : 8);
        ledcAttachPin(pin, i);
      }
      break;
    }
    default: pinMode(pin, INPUT); break;
  }
}

void hark_hal_gpio_write(uint8_t pin, uint8_t mode, uint16_t value) {
  if (mode == HARK_GPIO_OUTPUT) {
    digitalWrite(pin, value ? HIGH : LOW);
    return;
  }
  for (uint8_t i = 0; i < esp_board.gpio_count; i++) {
    if (esp_pins[i].pin != pin) continue;
    /* servo: 500..2500 µs of the 20 ms period in 16-bit duty */
    ledcWrite(i, mode == HARK_GPIO_SERVO ? (uint32_t)(500u + value * 2000u / 180u) * 65536u / 20000u : value);
  }
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
  Serial.setRxBufferSize(4096);
#ifndef HARK_SERIAL_USB_CDC
  Serial.setTxBufferSize(8192); /* ~90 ms of 16 kHz PCM16 frames at 921600 baud */
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
