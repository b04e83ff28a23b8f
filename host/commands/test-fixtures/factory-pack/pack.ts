/** Test fixture: a commands module whose blocking command was defined in another module. */
import { makeSummer } from '../command-factory.js';

export default [makeSummer()];
