/**
 * Figures as Vega-Lite specs: Vega lays the chart out (axes, ticks, labels, legends) as SVG, which web pages inline
 * and resvg rasterises to PNG, so no browser or canvas is needed. Text is set in the DejaVu Sans shipped as an npm
 * package, not in whatever fonts the machine has: a figure looks the same everywhere, and a machine without fonts
 * (a bare container) still gets its labels.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec as VegaLiteSpec } from 'vega-lite';

export const FONT_FAMILY = 'DejaVu Sans';

const FONT_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((f) =>
  path.join(FONT_DIR, f),
);

/** The project's look, under any config a spec brings: the bundled font for every text mark, axis and legend. */
function withProjectFont(spec: TopLevelSpec): TopLevelSpec {
  return { ...spec, config: { font: FONT_FAMILY, ...spec.config } } as TopLevelSpec;
}

/** The chart as a standalone SVG document (for web pages: no script, so a strict CSP allows it inline). */
export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(withProjectFont(spec)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG bytes of a Vega-Lite chart at `scale` times its layout size (2: sharp on high-density screens). */
export async function vegaLitePng(spec: TopLevelSpec, scale = 2): Promise<Buffer> {
  return new Resvg(await vegaLiteSvg(spec), {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY },
  })
    .render()
    .asPng();
}
