/** Where a package's compiled commands live, relative to the package folder. */
export const DIST = 'dist';
export const MANIFEST = 'build-manifest.json';
