/* native_main.c — the native emulated board: the firmware core, built for the host, on a
 * pseudo-terminal. It opens a tty given with --port (e.g. one end of a socat pair) or creates its
 * own pty and prints its path, hears a WAV file instead of a microphone, takes button presses from
 * flags and stdin commands, and prints the state a real board would show as JSON lines on stdout.
 *
 *   hark-native-board [--port PATH] [--wav FILE] [--wav-loop] [--uid ID] [--model ID]
 *                     [--press-after-ms N] [--hold-ms N] [--exit-on-eof]
 *   stdin: "press [id]", "release [id]", "gpio <pin> <value>", "quit"
 *   stdout: {"event":"ready","path":...}, "link", "led", "tone", "speaker", "mic", "gpio",
 *           "stream-start", "stream-end", "log"
 */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 600
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "device/hark_device.h"
#include "device/hark_link.h"
#include "hark_hal.h"
#include "native_board.h"

#define HARK_GPIO_PIN(pin, caps) {pin, caps},
static const hark_gpio_info_t native_pins[] = {HARK_GPIO_TABLE};
#undef HARK_GPIO_PIN

/* Every field from the emulated profile (board_pins.h is generated from boards/profiles/emulated.json,
   the profile the TypeScript emulator answers with too); --model may rename it. */
static hark_board_t board = HARK_BOARD_INIT(native_pins);

const char *hark_board_uid(void) { return nb.uid; }

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int set_raw(int fd) {
  struct termios t;
  if (tcgetattr(fd, &t) != 0) return -1;
  cfmakeraw(&t);
  return tcsetattr(fd, TCSANOW, &t);
}

static int open_own_pty(char *path, size_t cap) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) return -1;
  const char *name = ptsname(m);
  if (name == NULL) return -1;
  snprintf(path, cap, "%s", name);
  /* Keep the slave open ourselves, raw (no echo of our own frames), so the master never reads EIO
     between host connections and the line settings survive them. */
  nb.slave_fd = open(path, O_RDWR | O_NOCTTY);
  if (nb.slave_fd < 0 || set_raw(nb.slave_fd) != 0) return -1;
  return m;
}

/* Open the tty given with --port: raw, non-blocking. Leaves serial_fd at -1 on failure. */
static void open_port(const char *port) {
  int fd = open(port, O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd >= 0 && set_raw(fd) != 0) {
    close(fd);
    fd = -1;
  }
  nb.serial_fd = fd;
  if (fd >= 0) nb_emit("{\"event\":\"port\",\"state\":\"open\"}");
}

/* Report what the LED effect engine was told (effect-level state, not every PWM step). */
static void report_leds(void) {
  static hark_led_slot_t shown[HARK_LED_MAX];
  static bool first = true;
  for (uint8_t i = 0; i < hark_dev.led.count; i++) {
    const hark_led_slot_t *s = &hark_dev.led.slot[i];
    if (!first && memcmp(s, &shown[i], sizeof *s) == 0) continue;
    shown[i] = *s;
    nb_emit("{\"event\":\"led\",\"index\":%u,\"effect\":%u,\"r\":%u,\"g\":%u,\"b\":%u,\"periodMs\":%u,\"durationMs\":%u}", i,
            s->effect, s->r, s->g, s->b, s->period_ms, s->duration_ms);
  }
  first = false;
}

static void report_transitions(void) {
  static uint8_t link = 0xFF, cap = HARK_CAP_IDLE;
  if (hark_dev.link != link) {
    link = hark_dev.link;
    nb_emit("{\"event\":\"link\",\"state\":\"%s\",\"codec\":%u,\"chunkSamples\":%u}",
            link == HARK_LINK_READY ? "ready" : "await-ack", hark_dev.codec, hark_dev.chunk_samples);
  }
  if (hark_dev.cap != cap) {
    if (cap == HARK_CAP_IDLE) {
      nb_emit("{\"event\":\"stream-start\",\"stream\":%u,\"trigger\":%u}", hark_dev.stream, hark_dev.trigger);
    }
    if (hark_dev.cap == HARK_CAP_IDLE) {
      nb_emit("{\"event\":\"stream-end\",\"stream\":%u,\"reason\":%u,\"chunks\":%u}", hark_dev.stream,
              hark_dev.end_reason, hark_dev.chunk_index);
    }
    cap = hark_dev.cap;
  }
}

static void command(char *line) {
  char word[16];
  unsigned a = 0, b = 0;
  int n = sscanf(line, "%15s %u %u", word, &a, &b);
  if (n < 1) return;
  if (strcmp(word, "press") == 0) {
    nb.buttons[n >= 2 && a < 2 ? a : 0] = true;
  } else if (strcmp(word, "release") == 0) {
    nb.buttons[n >= 2 && a < 2 ? a : 0] = false;
  } else if (strcmp(word, "gpio") == 0 && n == 3) {
    nb.gpio_value[a & 63u] = (uint16_t)b;
  } else if (strcmp(word, "quit") == 0) {
    stop_requested = 1;
  } else {
    nb_emit("{\"event\":\"error\",\"text\":\"unknown command\"}");
  }
}

static void usage(void) {
  fprintf(stderr,
          "usage: hark-native-board [--port PATH] [--wav FILE] [--wav-loop] [--uid ID] [--model ID]\n"
          "                         [--press-after-ms N] [--hold-ms N] [--exit-on-eof]\n");
}

int main(int argc, char **argv) {
  const char *port = NULL, *wav = NULL;
  long press_after = -1, hold = 1000;
  bool exit_on_eof = false, wav_loop = false;
  snprintf(nb.uid, sizeof nb.uid, "native-%d", (int)getpid());
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--port") == 0 && v) port = argv[++i];
    else if (strcmp(a, "--wav") == 0 && v) wav = argv[++i];
    else if (strcmp(a, "--wav-loop") == 0) wav_loop = true;
    else if (strcmp(a, "--uid") == 0 && v) snprintf(nb.uid, sizeof nb.uid, "%s", argv[++i]);
    else if (strcmp(a, "--model") == 0 && v) board.model = argv[++i];
    else if (strcmp(a, "--press-after-ms") == 0 && v) press_after = atol(argv[++i]);
    else if (strcmp(a, "--hold-ms") == 0 && v) hold = atol(argv[++i]);
    else if (strcmp(a, "--exit-on-eof") == 0) exit_on_eof = true;
    else {
      usage();
      return 2;
    }
  }
  if (wav != NULL) {
    if (!wav_source_load(&nb.wav, wav, board.mic_sample_rate_hz)) return 1;
    nb.have_wav = true;
  }
  nb.wav.loop = wav_loop;
  char path[256];
  nb.slave_fd = -1;
  if (port != NULL) {
    snprintf(path, sizeof path, "%s", port);
    open_port(port);
  } else {
    nb.serial_fd = open_own_pty(path, sizeof path);
    if (nb.serial_fd >= 0) fcntl(nb.serial_fd, F_SETFL, fcntl(nb.serial_fd, F_GETFL) | O_NONBLOCK);
  }
  if (nb.serial_fd < 0) {
    fprintf(stderr, "hark-native-board: cannot open %s: %s\n", port ? port : "a pty", strerror(errno));
    return 1;
  }
  uint32_t last_reopen_ms = 0;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);
  nb_micros();
  nb_emit("{\"event\":\"ready\",\"path\":\"%s\",\"model\":\"%s\",\"uid\":\"%s\",\"pid\":%d}", path, board.model, nb.uid,
          (int)getpid());
  hark_device_setup(&board);
  bool stdin_open = true;
  char line[256];
  size_t line_len = 0;
  while (!stop_requested) {
    uint32_t now = hark_hal_millis();
    if (press_after >= 0) {
      nb.buttons[0] = now >= (uint32_t)press_after && now < (uint32_t)(press_after + hold);
      if (now >= (uint32_t)(press_after + hold)) press_after = -1;
    }
    if (port != NULL && nb.serial_fd < 0 && now - last_reopen_ms >= 250u) {
      last_reopen_ms = now;
      open_port(port);
    }
    struct pollfd fds[2] = {{nb.serial_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    /* 1 ms while anything is time-driven (audio, speaker, effects), else 5 ms. */
    bool busy = hark_dev.cap != HARK_CAP_IDLE || nb_serial_pending() || press_after >= 0 ||
                hark_speaker_active(&hark_dev.speaker) || hark_tone_playing(&hark_dev.tone) || nb.buttons[0];
    poll(fds, stdin_open ? 2 : 1, hark_link_rx_pending() ? 0 : busy ? 1 : 5);
    if (nb.serial_fd >= 0 && port != NULL && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
      /* The tty went away (socat stopped: the "cable" was pulled). Keep running, like a board whose
         USB bridge lost its host, and reopen the path when it comes back. */
      close(nb.serial_fd);
      nb.serial_fd = -1;
      last_reopen_ms = now;
      nb_emit("{\"event\":\"port\",\"state\":\"closed\"}");
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(STDIN_FILENO, line + line_len, sizeof line - 1 - line_len);
      if (n <= 0) {
        stdin_open = false;
        if (exit_on_eof) break;
      } else {
        line_len += (size_t)n;
        char *nl;
        while ((nl = memchr(line, '\n', line_len)) != NULL) {
          *nl = 0;
          command(line);
          size_t used = (size_t)(nl - line) + 1;
          memmove(line, nl + 1, line_len - used);
          line_len -= used;
        }
        if (line_len == sizeof line - 1) line_len = 0; /* an overlong line: drop it */
      }
    }
    hark_device_loop();
    nb_serial_flush();
    report_transitions();
    report_leds();
  }
  nb_emit("{\"event\":\"exit\"}");
  return 0;
}
