/* test_esp32_layer.cpp — the ESP32 board layer (firmware/boards/esp32/esp32_board.cpp) and the real
 * core behind it, run on the host against the recording SDK fake (esp32_fake_core.cpp), once per
 * ESP32 env (firmware/Makefile: test_esp32_<env>). Each check is one of issue 12's ESP32 findings:
 * MCLK never routed to GPIO 0, the serial buffers sized before begin(), failing driver calls
 * reported instead of ignored, one LEDC timer per PWM pin and pins released from LEDC, a short
 * tone queue, the speaker's sample rate applied on every board, and UART overruns counted in PONG. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esp32_fake_core.h"

extern "C" {
#include <board_pins.h> /* the env's (boards/<env>/), not tests/board_pins.h beside this file */
#include "device/hark_device.h"
#include "fake_hal.h"
#include "hark_test.h"
#include "host_sim.h"
}

HARK_TEST_GLOBALS;

static void boot(void) {
  memset(&fake, 0, sizeof fake);
  memset(esp32_fake.ledc_channel_of_pin, -1, sizeof esp32_fake.ledc_channel_of_pin);
  esp32_fake.pin_level[HARK_PIN_BUTTON_0] = HARK_BUTTON_0_ACTIVE_LOW ? HIGH : LOW; /* released */
  host_clear();
  memset(&hark_dev, 0, sizeof hark_dev);
  fake.now_ms = 1000;
  setup();
  host_collect();
}

static void run_ms(uint32_t ms) {
  for (uint32_t i = 0; i < ms; i++) {
    fake.now_ms++;
    loop();
  }
  host_collect();
}

static void send(hark_msg_t m) {
  host_send(&m);
  run_ms(3);
}

static void ack(void) {
  hark_msg_t m;
  m.type = HARK_MSG_HELLO_ACK;
  m.u.hello_ack = hark_hello_ack_t{1, 1, 0x1FF, HARK_CODEC_PCM16, 16000, 20, 1000, 0, 1};
  send(m);
  CHECK_EQ(hark_dev.link, HARK_LINK_READY);
}

static int logged(const char *text) {
  for (int i = 0; i < host_count; i++) {
    const hark_msg_t *m = &host_msgs[i].msg;
    if (m->type == HARK_MSG_LOG && m->u.log.text.len == strlen(text) && memcmp(m->u.log.text.data, text, m->u.log.text.len) == 0) {
      return 1;
    }
  }
  return 0;
}

static int first_serial_call(int what) {
  for (int i = 0; i < esp32_fake.serial_calls; i++) {
    if (esp32_fake.serial_call[i] == what) return i;
  }
  return -1;
}

static void test_serial_buffers_sized_before_begin(void) {
  boot();
  int tx = first_serial_call(ESP32_FAKE_TX_BUFFER), rx = first_serial_call(ESP32_FAKE_RX_BUFFER);
  int begin = first_serial_call(ESP32_FAKE_BEGIN);
  CHECK(begin >= 0);
  CHECK(tx >= 0 && tx < begin);
  CHECK(rx >= 0 && rx < begin);
  /* room for several 20 ms PCM16 frames (~652 bytes each), not the 256 bytes HWCDC keeps otherwise */
  CHECK(tx >= 0 && esp32_fake.serial_value[tx] >= 4096);
  /* the receive buffer is the rx_window_bytes HELLO announces, no smaller */
  CHECK(rx >= 0 && esp32_fake.serial_value[rx] == HARK_RX_WINDOW_BYTES && HARK_RX_WINDOW_BYTES >= 1024);
}

static void test_i2s_pins_never_route_mclk_to_gpio0(void) {
  boot();
  CHECK(esp32_fake.i2s[0].installed); /* the mic, installed by setup() */
  CHECK_EQ(esp32_fake.i2s[0].pins.mck_io_num, I2S_PIN_NO_CHANGE);
  ack();
  hark_msg_t m;
  m.type = HARK_MSG_TONE;
  m.u.tone.count = 1;
  m.u.tone.steps[0] = hark_tone_step_t{880, 100, 100};
  send(m); /* a tone installs the amplifier's port */
#ifdef HARK_I2S_HALF_DUPLEX
  const int spk = 0;
#else
  const int spk = 1;
#endif
  CHECK(esp32_fake.i2s[spk].installed);
  CHECK_EQ(esp32_fake.i2s[spk].pins.mck_io_num, I2S_PIN_NO_CHANGE);
  CHECK_EQ(esp32_fake.i2s[spk].pins.data_in_num, I2S_PIN_NO_CHANGE);
}

static void test_failed_install_is_reported_and_retried(void) {
  esp32_fake.fail_install = true; /* the mic's driver refuses to install, at boot and when capturing */
  boot();
  ack();
  host_clear();
  esp32_fake.pin_level[HARK_PIN_BUTTON_0] = HARK_BUTTON_0_ACTIVE_LOW ? LOW : HIGH; /* press: capture */
  run_ms(60);
  CHECK(logged("I2S mic: driver or pin set-up failed"));
  CHECK(!esp32_fake.i2s[0].installed);
  CHECK(esp32_fake.i2s[0].installs >= 2); /* tried again when it was needed */
}

static void test_refused_pins_uninstall_the_driver(void) {
  esp32_fake.fail_set_pin = true;
  boot();
  CHECK_EQ(esp32_fake.i2s[0].installs, 1);
  CHECK(!esp32_fake.i2s[0].installed);
}

static int ledc_timer(int channel) { return (channel / 8) * 4 + (channel / 2) % 4; }

static void test_each_pwm_pin_gets_its_own_ledc_timer(void) {
  boot();
  ack();
  uint8_t pwm_pins[8];
  int n = 0;
  for (uint8_t i = 0; i < hark_dev.gpio.count; i++) {
    if (hark_dev.gpio.info[i].caps & HARK_GPIO_CAP_PWM) pwm_pins[n++] = hark_dev.gpio.info[i].pin;
  }
  CHECK(n >= 2);
  hark_msg_t m;
  for (int i = 0; i < n; i++) {
    m.type = HARK_MSG_GPIO_MODE;
    bool servo_capable = false;
    for (uint8_t k = 0; k < hark_dev.gpio.count; k++) {
      if (hark_dev.gpio.info[k].pin == pwm_pins[i]) servo_capable = (hark_dev.gpio.info[k].caps & HARK_GPIO_CAP_SERVO) != 0;
    }
    m.u.gpio_mode = hark_gpio_mode_t{pwm_pins[i], (uint8_t)(i == 0 && servo_capable ? HARK_GPIO_SERVO : HARK_GPIO_PWM)};
    send(m);
  }
  for (int i = 0; i < n; i++) {
    int ch = esp32_fake.ledc_channel_of_pin[pwm_pins[i]];
    CHECK(ch >= 0);
    for (int k = 0; k < i; k++) CHECK(ledc_timer(ch) != ledc_timer(esp32_fake.ledc_channel_of_pin[pwm_pins[k]]));
  }
  /* back to a digital output: released from LEDC, so digitalWrite drives it */
  int detaches = esp32_fake.ledc_detaches;
  m.type = HARK_MSG_GPIO_MODE;
  m.u.gpio_mode = hark_gpio_mode_t{pwm_pins[1], HARK_GPIO_OUTPUT};
  send(m);
  CHECK_EQ(esp32_fake.ledc_detaches, detaches + 1);
  CHECK_EQ(esp32_fake.ledc_channel_of_pin[pwm_pins[1]], -1);
  m.type = HARK_MSG_GPIO_WRITE;
  m.u.gpio_write = hark_gpio_value_t{pwm_pins[1], 1};
  send(m);
  CHECK_EQ(esp32_fake.pin_level[pwm_pins[1]], HIGH);
}

static void test_tone_queue_is_short(void) {
  boot();
  ack();
  hark_msg_t m;
  m.type = HARK_MSG_TONE;
  m.u.tone.count = 2;
  m.u.tone.steps[0] = hark_tone_step_t{1320, 60, 100};
  m.u.tone.steps[1] = hark_tone_step_t{880, 90, 100};
  send(m);
#ifdef HARK_I2S_HALF_DUPLEX
  const esp32_fake_i2s_t &p = esp32_fake.i2s[0];
#else
  const esp32_fake_i2s_t &p = esp32_fake.i2s[1];
#endif
  /* DMA queue ≤ 32 ms at 16 kHz, and tone samples generated ≤ 8 ms ahead of it */
  CHECK(p.cfg.dma_buf_count * p.cfg.dma_buf_len <= 512);
  CHECK(p.writes > 0 && p.largest_write_samples <= 128);
}

static void test_speaker_sample_rate_applied(void) {
  boot();
  ack();
  hark_msg_t m;
  m.type = HARK_MSG_SPEAKER_START;
  m.u.speaker_start = hark_speaker_start_t{1, HARK_CODEC_PCM16, 8000};
  send(m);
  static uint8_t pcm[200];
  m.type = HARK_MSG_SPEAKER_DATA;
  m.u.speaker_data.stream = 1;
  m.u.speaker_data.data = hark_bytes_t{pcm, sizeof pcm};
  send(m);
  run_ms(20);
#ifdef HARK_I2S_HALF_DUPLEX
  const esp32_fake_i2s_t &p = esp32_fake.i2s[0]; /* installed only now, after the mic */
#else
  const esp32_fake_i2s_t &p = esp32_fake.i2s[1];
#endif
  CHECK(p.installed);
  CHECK_EQ(p.cfg.sample_rate, 8000);
}

static void test_uart_overruns_counted_in_pong(void) {
  boot();
  ack();
#ifdef HARK_SERIAL_USB_CDC
  CHECK(!esp32_fake.on_receive_error); /* USB CDC: flow control, nothing to count */
#else
  CHECK(static_cast<bool>(esp32_fake.on_receive_error));
  esp32_fake.on_receive_error(UART_BUFFER_FULL_ERROR);
  esp32_fake.on_receive_error(UART_FIFO_OVF_ERROR);
  esp32_fake.on_receive_error(UART_FRAME_ERROR); /* a corrupt byte: its frame fails the CRC and is counted there */
  host_clear();
  hark_msg_t m;
  m.type = HARK_MSG_PING;
  m.u.ping.token = 7;
  send(m);
  int p = host_find(HARK_MSG_PONG, 0);
  CHECK(p >= 0 && host_msgs[p].msg.u.pong.rx_frames_bad == 2);
#endif
}

/* Each test in a child process: the board layer keeps its driver state in statics, as firmware does,
   and every test must start from a freshly booted board. */
static void run_isolated(void (*test)(void), const char *name) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    test();
    int counts[2] = {hark_test_checks, hark_test_failures};
    if (write(fds[1], counts, sizeof counts) != (ssize_t)sizeof counts) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  int counts[2] = {0, 1};
  ssize_t n = read(fds[0], counts, sizeof counts);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (n != (ssize_t)sizeof counts || !WIFEXITED(status) || WEXITSTATUS(status) != 0) counts[1] = counts[1] ? counts[1] : 1;
  hark_test_checks += counts[0];
  hark_test_failures += counts[1];
  printf("%s %s\n", counts[1] == 0 ? "ok" : "FAIL", name);
  fflush(stdout);
}
#define RUN_ISOLATED(t) run_isolated(t, #t)

int main(void) {
  RUN_ISOLATED(test_serial_buffers_sized_before_begin);
  RUN_ISOLATED(test_i2s_pins_never_route_mclk_to_gpio0);
  RUN_ISOLATED(test_failed_install_is_reported_and_retried);
  RUN_ISOLATED(test_refused_pins_uninstall_the_driver);
  RUN_ISOLATED(test_each_pwm_pin_gets_its_own_ledc_timer);
  RUN_ISOLATED(test_tone_queue_is_short);
  RUN_ISOLATED(test_speaker_sample_rate_applied);
  RUN_ISOLATED(test_uart_overruns_counted_in_pong);
  HARK_TEST_MAIN_END();
}
