export { type IntegerRange, integerOption } from './integer-option.ts';
