// electron-vite bundles an `?modulePath` import as its own entry and yields its path (the utility process).
declare module '*?modulePath' {
  const path: string;
  export default path;
}
