/**
 * Home Assistant MQTT discovery for one board: retained config messages under
 * `homeassistant/<component>/<node>/<object>/config` (Home Assistant's MQTT discovery documentation),
 * one device per board with a Talk button, the LED as a JSON-schema light, a Mute switch and a
 * Last transcript sensor. Availability follows both the host's status and the board's link.
 */
import { type Topics, topicLevel } from './topics.js';

export interface DiscoveryBoard {
  boardId: string;
  model: string;
  /** Whether the board has an LED to offer as a light. */
  hasLed: boolean;
}

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

export const nodeId = (boardId: string): string => `hark_${topicLevel(boardId).replace(/[.-]/g, '_')}`;

/** The discovery messages of a board (publish each retained; an empty payload removes an entity). */
export function discoveryMessages(
  topics: Topics,
  board: DiscoveryBoard,
  opts: { discoveryPrefix: string; version: string },
): DiscoveryMessage[] {
  const node = nodeId(board.boardId);
  const t = (leaf: Parameters<Topics['board']>[1]) => topics.board(board.boardId, leaf);
  const device = {
    identifiers: [node],
    name: `hark ${board.boardId}`,
    manufacturer: 'hark',
    model: board.model,
    sw_version: opts.version,
  };
  const common = {
    device,
    availability_mode: 'all',
    availability: [
      { topic: topics.hostStatus(), payload_available: 'online', payload_not_available: 'offline' },
      { topic: t('available'), payload_available: 'online', payload_not_available: 'offline' },
    ],
  };
  const config = (component: string, object: string, payload: Record<string, unknown>): DiscoveryMessage => ({
    topic: `${opts.discoveryPrefix}/${component}/${node}/${object}/config`,
    payload: { ...payload, unique_id: `${node}_${object}`, object_id: `${node}_${object}`, ...common },
  });
  const out = [
    config('button', 'talk', {
      name: 'Talk',
      command_topic: t('listen/set'),
      payload_press: 'PRESS',
      icon: 'mdi:microphone',
    }),
    config('switch', 'mute', {
      name: 'Mute',
      command_topic: t('mute/set'),
      state_topic: t('muted'),
      payload_on: 'ON',
      payload_off: 'OFF',
      icon: 'mdi:microphone-off',
    }),
    config('sensor', 'last_transcript', {
      name: 'Last transcript',
      state_topic: t('transcript/last'),
      value_template: '{{ value_json.text }}',
      json_attributes_topic: t('transcript/last'),
      icon: 'mdi:text-to-speech',
    }),
  ];
  if (board.hasLed)
    out.push(
      config('light', 'led', {
        name: 'LED',
        schema: 'json',
        command_topic: t('led/set'),
        state_topic: t('led'),
        supported_color_modes: ['rgb'],
        brightness: false,
        effect: true,
        effect_list: ['solid', 'blink', 'pulse', 'spin'],
      }),
    );
  return out;
}
