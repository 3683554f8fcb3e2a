// Writes examples/gallery.txt: 1,000 URLs of a sample photo gallery served by
// CloudFront, the input of `npm start` (examples/sign-gallery.js). Deterministic
// (seeded PRNG), so re-running it gives the same file.
//
//   node scripts/make-gallery.js
import { writeFileSync } from "node:fs";

const COUNT = 1000;
const ORIGIN = "https://d111111abcdef8.cloudfront.net";

const ALBUMS = [
  "2019-08-lofoten-islands",
  "2020-02-kyoto-plum-blossoms",
  "2021-07-dolomites-hut-to-hut",
  "2022-05-lisbon-azulejos",
  "2022-12-family-holidays",
  "2023-03-patagonia-w-trek",
  "2023-06-iceland-ring-road",
  "2023-11-new-york-marathon",
  "2024-04-morocco-high-atlas",
  "2024-09-scottish-highlands",
  "2025-02-sapporo-snow-festival",
  "2025-06-wedding-anna-and-tom",
  "pets/biscuit",
  "portfolio/street",
  "portfolio/macro",
];

// Names people give files by hand, already percent-encoded as a browser sends them.
const NAMED = [
  "Sunset%20over%20V%C3%ADk.jpg",
  "caf%C3%A9-terrace.jpg",
  "group-photo(1).jpg",
  "first-dance_final.jpg",
  "Stra%C3%9Fe%20am%20Morgen.jpg",
  "panorama-stitched-8k.jpg",
  "northern-lights-2.jpg",
  "summit%20selfie.heic",
];

// Derivatives the gallery's image service serves; the query is part of the signed URL.
const VARIANTS = [
  { dir: "originals", query: "" },
  { dir: "originals", query: "?download=1" },
  { dir: "web", query: "?w=1280" },
  { dir: "web", query: "?w=1920&format=webp" },
  { dir: "web", query: "?w=640" },
  { dir: "thumbs", query: "?w=320&q=70" },
  { dir: "thumbs", query: "?w=160&h=160&fit=cover" },
];

let seed = 0x2f6b1d3;
function random() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const digits = (n) => String(Math.floor(random() * 10 ** n)).padStart(n, "0");

function fileName(album) {
  const r = random();
  if (r < 0.35) return `IMG_${digits(4)}.jpg`;
  if (r < 0.6) return `DSC${digits(5)}.JPG`;
  if (r < 0.8) {
    const year = /^\d{4}/.test(album) ? album.slice(0, 4) : "2024";
    const month = String(1 + Math.floor(random() * 12)).padStart(2, "0");
    const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
    return `PXL_${year}${month}${day}_${digits(9)}.jpg`;
  }
  if (r < 0.9) return pick(NAMED);
  return `VID_${digits(4)}.mp4`;
}

const urls = new Set();
for (const album of ALBUMS) urls.add(`${ORIGIN}/albums/${album}/cover.jpg?w=640`);
while (urls.size < COUNT) {
  const album = pick(ALBUMS);
  const name = fileName(album);
  if (name.endsWith(".mp4")) {
    urls.add(`${ORIGIN}/albums/${album}/clips/${name}`);
    continue;
  }
  const { dir, query } = pick(VARIANTS);
  const file = dir === "thumbs" ? name.replace(/\.(jpg|JPG|heic)$/, ".webp") : name;
  urls.add(`${ORIGIN}/albums/${album}/${dir}/${file}${query}`);
}

const out = new URL("../examples/gallery.txt", import.meta.url);
writeFileSync(out, [...urls].join("\n") + "\n");
console.log(`wrote ${urls.size} URLs to ${out.pathname}`);
