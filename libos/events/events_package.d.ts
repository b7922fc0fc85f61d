// Types for the `events` npm package's CommonJS entry (it ships none); libos/events/index.ts gives it Node's types.
declare module "events/events.js" {
  const EventEmitter: unknown;
  export default EventEmitter;
}
