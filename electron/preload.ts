// Process: preload (sandboxed preload).
// Puts the typed contract on window.tessera and nothing else (docs/design.md "Layers"). The window is
// sandboxed, so this file is bundled into one CommonJS file by tools/build-desktop.ts
// (a sandboxed preload can require only 'electron'); the logic lives in main/bridge.ts.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './main/bridge.ts';

contextBridge.exposeInMainWorld('tessera', createBridge(ipcRenderer));
