// The build copies uPlot's dist/ to assets/vendor/uplot/ (scripts/hooks/assets.py); charts.js
// imports it from there. tsconfig.json's rootDirs lays this folder over docs/assets, so tsc
// finds this file at that path and takes uPlot's own types (node_modules/uplot, pinned).
import uPlot from "uplot";
export default uPlot;
