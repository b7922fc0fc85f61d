// libos/web/fetch/index.ts — the fetch family's public face: fetch, Request, Response, Headers, FormData.
// Layer: libos (web). No side effects at import.
export { fetch } from "./fetch.ts";
export { FormData } from "./form_data.ts";
export { Headers } from "./headers.ts";
export { Request } from "./request.ts";
export { Response } from "./response.ts";
