/**
 * Keys of the services beyond one host: Wyoming (host/wyoming), MQTT (host/mqtt), the dashboard
 * (host/dashboard) and rooms (host/rooms). All off by default; each module turns its section into
 * its options (`wyomingOptions`, `mqttOptions`, `dashboardOptions`, `roomOptions`).
 */
import { Type } from '@sinclair/typebox';
import { boolean, integer, path, section, stringMap, text } from '../keys.js';

const TCP = { pattern: '^$|^tcp://[^/:]+:[0-9]+$', expect: 'tcp://HOST:PORT, or empty' };

/** Board uid → port, as a JSON object (`{"kitchen-1": 10700}`). */
const portMap = (description: string) =>
  Type.Record(Type.String({ pattern: '^[^\\s]+$' }), Type.Integer({ minimum: 0, maximum: 65535 }), {
    description,
    default: {},
    additionalProperties: false,
    'x-hark-expect': 'a JSON object of "board uid": port',
  });

const timeout = (def: number, what: string) => integer(def, 50, 600_000, what);

export const NET_KEYS = {
  wyoming: section(
    {
      satellite: section(
        {
          enabled: boolean(false, 'serve every board as a Home Assistant voice satellite (Wyoming)'),
          host: text('0.0.0.0', 'address the satellite servers listen on'),
          basePort: integer(
            10700,
            0,
            65535,
            'port of a board not in wyoming.satellite.ports: the first free one from here (0: any)',
          ),
          ports: portMap('fixed satellite port per board uid, so Home Assistant finds it after a restart'),
          responseTimeoutMs: timeout(15_000, 'end of speech → Home Assistant transcript limit, ms'),
        },
        'boards as Home Assistant satellites (add each in the Wyoming integration as host:port)',
      ),
      asr: section(
        {
          uri: text(
            '',
            'Wyoming ASR server (wyoming-faster-whisper) for command utterances; empty: local only',
            TCP,
          ),
          language: text('en', 'language sent in transcribe'),
          connectTimeoutMs: timeout(1500, 'connection limit, ms'),
          responseTimeoutMs: timeout(
            8000,
            'audio-stop → transcript limit, ms (then local pocketsphinx answers)',
          ),
        },
        'remote speech recognition; pocketsphinx answers whenever it is gone',
      ),
      tts: section(
        {
          uri: text('', 'Wyoming TTS server (wyoming-piper) for spoken replies; empty: espeak-ng', TCP),
          voice: text('', 'voice name the server offers (empty: its default)'),
          connectTimeoutMs: timeout(1500, 'connection limit, ms'),
          responseTimeoutMs: timeout(10_000, 'synthesize → audio-stop limit, ms (then espeak-ng speaks)'),
        },
        'remote speech synthesis; espeak-ng speaks whenever it is gone',
      ),
    },
    'Wyoming: Home Assistant satellites and remote speech engines',
  ),
  mqtt: section(
    {
      url: text('', 'broker, mqtt://HOST[:PORT] or mqtts://HOST[:PORT]; empty: no MQTT', {
        pattern: '^$|^mqtts?://[^/]+',
        expect: 'mqtt://HOST[:PORT], mqtts://HOST[:PORT], or empty',
      }),
      username: text('', 'broker user'),
      password: text('', 'broker password (keep the config file private: it is written 0600)'),
      caFile: path('', 'TLS: CA certificate (PEM) to trust'),
      certFile: path('', 'TLS: client certificate (PEM)'),
      keyFile: path('', 'TLS: client key (PEM)'),
      prefix: text('hark', 'topic prefix', {
        pattern: '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$',
        expect: 'topic levels, no wildcards',
      }),
      hostId: text('', "this host's name in <prefix>/host/<host>/status (empty: the hostname)"),
      discoveryPrefix: text('homeassistant', 'Home Assistant discovery prefix (empty: no discovery)'),
      queueSize: integer(1000, 1, 1_000_000, 'events kept while the broker is unreachable'),
      countersIntervalMs: integer(
        10_000,
        0,
        3_600_000,
        'how often link counters are published, ms (0: never)',
      ),
    },
    'MQTT: events published, commands subscribed, Home Assistant discovery (needs npm install mqtt)',
  ),
  dashboard: section(
    {
      enabled: boolean(false, 'serve the live dashboard (also hark run --dashboard)'),
      host: text('127.0.0.1', 'address to listen on; anything but loopback needs a token'),
      port: integer(8787, 0, 65535, 'port (0: any free one)'),
      token: text('', 'access token, 16+ characters (empty: none on loopback, generated otherwise)'),
    },
    'the live dashboard web page',
  ),
  rooms: section(
    {
      boards: stringMap(
        '^[^\\s]+$',
        'room of each board uid, e.g. {"kitchen-1":"kitchen","kitchen-2":"kitchen"}',
        'a JSON object of "board uid": "room"',
      ),
      windowMs: integer(
        300,
        0,
        5000,
        'boards of a room that hear the same thing within this window: one answers, ms',
      ),
      maxWaitMs: integer(
        1500,
        0,
        10_000,
        'the longest one answer waits for a louder board still recognising, ms',
      ),
    },
    'one answer per room: the loudest board of a room answers',
  ),
};
