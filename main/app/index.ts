// Electron main process entry.
import { app } from 'electron';
void app;
