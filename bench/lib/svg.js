// The ratios as a horizontal bar chart, hand-written SVG (no dependency). Each
// bar is a ratio (log scale, 1.0 marked); a target, when there is one, is a tick.

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * @param {Record<string, { value: number, target?: number, lowerIsBetter?: boolean }>} ratios
 * @param {{ title: string, subtitle: string }} meta
 */
export function chart(ratios, meta) {
  const rows = Object.entries(ratios);
  const labelW = 300;
  const barW = 420;
  const rowH = 22;
  const top = 64;
  const width = labelW + barW + 90;
  const height = top + rows.length * rowH + 40;
  const values = rows.flatMap(([, r]) => [r.value, r.target ?? r.value]);
  const lo = Math.min(0.01, ...values);
  const hi = Math.max(10, ...values);
  const x = (v) => labelW + (Math.log10(v / lo) / Math.log10(hi / lo)) * barW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${esc(meta.title)}</text>`,
    `<text x="12" y="42" fill="#555555">${esc(meta.subtitle)}</text>`,
  ];
  for (const tick of [0.01, 0.1, 1, 10, 100].filter((t) => t >= lo && t <= hi)) {
    parts.push(
      `<line x1="${x(tick).toFixed(1)}" y1="${top - 6}" x2="${x(tick).toFixed(1)}" y2="${top + rows.length * rowH}" stroke="${tick === 1 ? "#333333" : "#dddddd"}" stroke-width="1"/>`,
      `<text x="${x(tick).toFixed(1)}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#555555">${tick}×</text>`,
    );
  }
  rows.forEach(([name, r], i) => {
    const y = top + i * rowH;
    const meets = r.target === undefined ? null : r.lowerIsBetter ? r.value <= r.target : r.value >= r.target;
    const fill = meets === null ? "#7f9fbf" : meets ? "#3c8d5a" : "#c0504d";
    const x0 = x(lo);
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(name)}${r.lowerIsBetter ? " ↓" : ""}</text>`,
      `<rect x="${x0.toFixed(1)}" y="${y + 4}" width="${Math.max(1, x(r.value) - x0).toFixed(1)}" height="${rowH - 8}" fill="${fill}"/>`,
      `<text x="${(Math.max(x(r.value), r.target === undefined ? 0 : x(r.target)) + 5).toFixed(1)}" y="${y + 15}">${r.value < 0.1 ? r.value.toFixed(3) : r.value.toFixed(2)}</text>`,
    );
    if (r.target !== undefined) {
      parts.push(
        `<line x1="${x(r.target).toFixed(1)}" y1="${y + 1}" x2="${x(r.target).toFixed(1)}" y2="${y + rowH - 1}" stroke="#000000" stroke-width="2"/>`,
      );
    }
  });
  parts.push(
    `<text x="12" y="${height - 8}" fill="#555555">Bars: ratio (log scale). Black tick: target. Green meets it, red does not, blue has none.</text>`,
    `</svg>`,
  );
  return parts.join("\n") + "\n";
}
