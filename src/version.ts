/** The tool's version, reported in every report and trend record (kept equal to package.json by a test). */
export const VERSION = '0.1.0';
