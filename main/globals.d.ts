// Build-time constants injected by electron-vite (see electron.vite.config.ts).
declare const __APP_VERSION__: string;
