/** The Color type: colour names (one or two words) → RGB. */

/** A colour parameter's value. */
export interface Rgb {
  name: string;
  r: number;
  g: number;
  b: number;
}

const TABLE: ReadonlyArray<[string, number, number, number]> = [
  ['red', 255, 0, 0],
  ['green', 0, 255, 0],
  ['blue', 0, 0, 255],
  ['white', 255, 255, 255],
  ['warm white', 255, 180, 107],
  ['cool white', 200, 220, 255],
  ['yellow', 255, 255, 0],
  ['orange', 255, 128, 0],
  ['purple', 128, 0, 255],
  ['violet', 143, 0, 255],
  ['pink', 255, 105, 180],
  ['magenta', 255, 0, 255],
  ['cyan', 0, 255, 255],
  ['teal', 0, 128, 128],
  ['turquoise', 64, 224, 208],
  ['lime', 128, 255, 0],
  ['gold', 255, 200, 0],
  ['indigo', 75, 0, 130],
  ['light blue', 135, 206, 250],
  ['dark blue', 0, 0, 139],
];

/** Colour names by phrase ("warm white"). */
export const COLORS: ReadonlyMap<string, Rgb> = new Map(
  TABLE.map(([name, r, g, b]) => [name, { name, r, g, b }]),
);
