/* driver/i2s.h — DECLARATIONS ONLY (see ../Arduino.h): the legacy I2S driver of ESP-IDF 4.4 (the IDF
 * under Arduino-ESP32 2.0.x), transcribed from components/driver/include/driver/i2s.h and
 * components/hal/include/hal/i2s_types.h of ESP-IDF v4.4, only what the board layer uses. The structs
 * keep every field of the real ones, in order, so an initialiser that leaves one out (mck_io_num: 0,
 * i.e. GPIO 0) is visible in review; the functions keep their exact parameter lists. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* esp_err.h / FreeRTOS portmacro.h */
typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
typedef uint32_t TickType_t;

/* hal/i2s_types.h (v4.4) */
typedef enum {
  I2S_BITS_PER_SAMPLE_8BIT = 8,
  I2S_BITS_PER_SAMPLE_16BIT = 16,
  I2S_BITS_PER_SAMPLE_24BIT = 24,
  I2S_BITS_PER_SAMPLE_32BIT = 32,
} i2s_bits_per_sample_t;
typedef enum {
  I2S_BITS_PER_CHAN_DEFAULT = 0,
  I2S_BITS_PER_CHAN_8BIT = 8,
  I2S_BITS_PER_CHAN_16BIT = 16,
  I2S_BITS_PER_CHAN_24BIT = 24,
  I2S_BITS_PER_CHAN_32BIT = 32,
} i2s_bits_per_chan_t;
typedef enum {
  I2S_CHANNEL_MONO = (0x01 << 16),
  I2S_CHANNEL_STEREO = (0x02 << 16),
} i2s_channel_t;
typedef enum {
  I2S_COMM_FORMAT_STAND_I2S = 0x01,
  I2S_COMM_FORMAT_STAND_MSB = 0x03,
  I2S_COMM_FORMAT_STAND_PCM_SHORT = 0x04,
  I2S_COMM_FORMAT_STAND_PCM_LONG = 0x0C,
} i2s_comm_format_t;
typedef enum {
  I2S_CHANNEL_FMT_RIGHT_LEFT,
  I2S_CHANNEL_FMT_ALL_RIGHT,
  I2S_CHANNEL_FMT_ALL_LEFT,
  I2S_CHANNEL_FMT_ONLY_RIGHT,
  I2S_CHANNEL_FMT_ONLY_LEFT,
} i2s_channel_fmt_t;
typedef enum {
  I2S_MODE_MASTER = (0x1 << 0),
  I2S_MODE_SLAVE = (0x1 << 1),
  I2S_MODE_TX = (0x1 << 2),
  I2S_MODE_RX = (0x1 << 3),
  I2S_MODE_PDM = (0x1 << 6),
} i2s_mode_t;
typedef enum {
  I2S_MCLK_MULTIPLE_DEFAULT = 0,
  I2S_MCLK_MULTIPLE_128 = 128,
  I2S_MCLK_MULTIPLE_256 = 256,
  I2S_MCLK_MULTIPLE_384 = 384,
} i2s_mclk_multiple_t;

/* driver/i2s.h (v4.4) */
#define I2S_PIN_NO_CHANGE (-1)
typedef enum {
  I2S_NUM_0 = 0,
  I2S_NUM_1 = 1, /* ESP32 and ESP32-S3 have two */
  I2S_NUM_MAX,
} i2s_port_t;
typedef struct {
  int mck_io_num; /* MCK in out pin: 0 means GPIO 0, not "unused" */
  int bck_io_num;
  int ws_io_num;
  int data_out_num;
  int data_in_num;
} i2s_pin_config_t;
typedef struct {
  i2s_mode_t mode;
  uint32_t sample_rate;
  i2s_bits_per_sample_t bits_per_sample;
  i2s_channel_fmt_t channel_format;
  i2s_comm_format_t communication_format;
  int intr_alloc_flags;
  int dma_buf_count;
  int dma_buf_len;
  bool use_apll;
  bool tx_desc_auto_clear;
  int fixed_mclk;
  i2s_mclk_multiple_t mclk_multiple;
  i2s_bits_per_chan_t bits_per_chan;
} i2s_driver_config_t;
typedef i2s_driver_config_t i2s_config_t;

extern "C" {
esp_err_t i2s_set_pin(i2s_port_t i2s_num, const i2s_pin_config_t *pin);
esp_err_t i2s_driver_install(i2s_port_t i2s_num, const i2s_config_t *i2s_config, int queue_size, void *i2s_queue);
esp_err_t i2s_driver_uninstall(i2s_port_t i2s_num);
esp_err_t i2s_write(i2s_port_t i2s_num, const void *src, size_t size, size_t *bytes_written, TickType_t ticks_to_wait);
esp_err_t i2s_read(i2s_port_t i2s_num, void *dest, size_t size, size_t *bytes_read, TickType_t ticks_to_wait);
esp_err_t i2s_set_sample_rates(i2s_port_t i2s_num, uint32_t rate);
esp_err_t i2s_zero_dma_buffer(i2s_port_t i2s_num);
}
