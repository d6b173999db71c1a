export { READABLE_DTYPES, type ReadableDtype } from './dtypes.ts';
export { readSafetensors, type SafetensorsContents, type SafetensorsTensor } from './read-safetensors.ts';
export { METADATA_KEY, type SafetensorsInput, writeSafetensors } from './write-safetensors.ts';
