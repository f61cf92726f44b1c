// Types for modules without their own.
declare module 'process/browser.js' {
  const process: Record<string, unknown>;
  export default process;
}
