/** esbuild bundles imported CSS into app.css; the import itself yields nothing. */
declare module '*.css';
