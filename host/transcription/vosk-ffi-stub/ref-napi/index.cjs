'use strict';
// vosk's own JavaScript binding needs ref-napi, which does not build on Node 20 and is reported to crash
// in worker threads. hark loads libvosk through koffi instead (host/transcription/engines/vosk).
throw new Error('ref-napi is not installed: hark binds libvosk with koffi; do not require("vosk") directly');
