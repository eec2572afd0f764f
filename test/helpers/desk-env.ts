// Runs in each integration worker before its test file is imported: where the desk functions find the page's build.
import { inject } from 'vitest';

process.env.DESK_ASSETS_DIR = inject('deskAssetsDir');
