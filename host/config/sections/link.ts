/** Keys of the serial link (host/link). Add a link key here and nowhere else. */
import { integer, text } from '../keys.js';

export const LINK_KEYS = {
  port: text('', 'serial port to open; empty = every port whose USB id matches a board profile'),
  baudRate: integer(921600, 1200, 5_000_000, "serial baud rate (set only to override the board profile's)"),
};
