/**
 * docs/scaling-curve.svg: each case's time against the tenant count, both
 * axes logarithmic, ours as a solid line beside raw SQL's dashed one (for
 * B2, the same fan-out run one tenant at a time).
 */

export interface CurveSeries {
  name: string;
  /** [tenants, milliseconds] */
  ours: [number, number][];
  raw: [number, number][];
  /** What the dashed line is (raw SQL, or B2's serial run). */
  rawLabel: string;
}

const WIDTH = 860;
const HEIGHT = 520;
const PLOT = { left: 70, right: 230, top: 40, bottom: 60 };
const COLOURS = ['#1f6feb', '#d97706', '#15803d', '#7e22ce', '#374151', '#0e7490'];

const decadesAround = (values: number[]): [number, number] => [
  Math.floor(Math.log10(Math.min(...values))),
  Math.ceil(Math.log10(Math.max(...values))),
];

const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function curveSvg(title: string, series: CurveSeries[]): string {
  const points = series.flatMap((s) => [...s.ours, ...s.raw]);
  if (points.length === 0) throw new Error('No points to draw');
  const [x0, x1] = decadesAround(points.map(([x]) => x));
  const [y0, y1] = decadesAround(points.map(([, y]) => Math.max(y, 0.01)));
  const width = WIDTH - PLOT.left - PLOT.right;
  const height = HEIGHT - PLOT.top - PLOT.bottom;
  const sx = (x: number) => PLOT.left + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * width;
  const sy = (y: number) =>
    PLOT.top + height - ((Math.log10(Math.max(y, 0.01)) - y0) / Math.max(1, y1 - y0)) * height;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let d = x0; d <= x1; d++) {
    const x = sx(10 ** d);
    out.push(
      `<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${PLOT.top + height}" stroke="#e5e7eb"/>`,
      `<text x="${x}" y="${PLOT.top + height + 18}" text-anchor="middle">${(10 ** d).toLocaleString('en')}</text>`,
    );
  }
  for (let d = y0; d <= y1; d++) {
    const y = sy(10 ** d);
    const label = 10 ** d >= 1000 ? `${10 ** (d - 3)} s` : `${10 ** d} ms`;
    out.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.left + width}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${PLOT.left - 8}" y="${y + 4}" text-anchor="end">${label}</text>`,
    );
  }
  out.push(
    `<text x="${PLOT.left + width / 2}" y="${HEIGHT - 18}" text-anchor="middle">tenants (log scale)</text>`,
    `<text transform="translate(18 ${PLOT.top + height / 2}) rotate(-90)" text-anchor="middle">p50 time (log scale)</text>`,
  );
  const path = (pts: [number, number][]) =>
    pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    if (s.raw.length > 0)
      out.push(
        `<path d="${path(s.raw)}" fill="none" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      );
    out.push(`<path d="${path(s.ours)}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
    for (const [x, y] of s.ours)
      out.push(
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${colour}"/>`,
      );
    const ly = PLOT.top + 10 + i * 36;
    const lx = WIDTH - PLOT.right + 20;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`,
      `<text x="${lx + 32}" y="${ly + 4}">${escape(s.name)}</text>`,
    );
    if (s.raw.length > 0)
      out.push(
        `<line x1="${lx}" y1="${ly + 15}" x2="${lx + 26}" y2="${ly + 15}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
        `<text x="${lx + 32}" y="${ly + 19}" fill="#4b5563">${escape(s.rawLabel)}</text>`,
      );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
