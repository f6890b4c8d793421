// --set lives in scenario/ (the library API applies it too); the commands import it from here.
export { applySets } from '../scenario/sets.js';
