// noVNC 1.7 ships plain ES modules without type declarations: these are the parts the console uses
// (docs/API.md in the package).
declare module '@novnc/novnc' {
  export interface RfbOptions {
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    repeaterID?: string;
    wsProtocols?: string[];
  }
  export interface RfbEventMap {
    connect: CustomEvent<Record<string, never>>;
    disconnect: CustomEvent<{ clean: boolean }>;
    credentialsrequired: CustomEvent<{ types: string[] }>;
    securityfailure: CustomEvent<{ status: number; reason?: string }>;
    desktopname: CustomEvent<{ name: string }>;
  }
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    scaleViewport: boolean;
    resizeSession: boolean;
    clipViewport: boolean;
    viewOnly: boolean;
    focusOnClick: boolean;
    background: string;
    qualityLevel: number;
    compressionLevel: number;
    disconnect(): void;
    sendCtrlAltDel(): void;
    /** one key event (down, up, or both when `down` is omitted); `code` picks QEMU's scancode */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    sendCredentials(credentials: { username?: string; password?: string; target?: string }): void;
    focus(): void;
    addEventListener<K extends keyof RfbEventMap>(type: K, listener: (e: RfbEventMap[K]) => void): void;
    removeEventListener<K extends keyof RfbEventMap>(type: K, listener: (e: RfbEventMap[K]) => void): void;
  }
}
