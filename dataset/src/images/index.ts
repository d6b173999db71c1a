export { decodeImage, type RgbImage, readImage } from './decode-image.ts';
