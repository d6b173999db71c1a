export { imageView, rgbDataUrl, unitRgbToBytes } from './images.ts';
export { type LineChartSpec, lineChartSpec, renderLineChart, type Series } from './line-chart.ts';
export { PALETTE } from './palette.ts';
export { FONT_FAMILY, type VegaLiteSpec, vegaLitePng, vegaLiteSvg } from './render.ts';
