/*
 * hark.h — the whole hark C codec in one include (protocol/c/). See each header for its contract:
 *   hark_protocol.h  ids, sizes, enums, feature bits, wire error codes (generated from the TypeScript)
 *   hark_status.h    HARK_OK / HARK_ERR_* status codes
 *   hark_crc16.h     CRC-16/CCITT-FALSE
 *   hark_cobs.h      COBS
 *   hark_frame.h     frame encoder (to a buffer or a byte callback) and streaming decoder
 *   hark_msg.h       message structs, payload encoder/decoder, hark_msg_write (message → frame)
 *   hark_audio.h     µ-law and IMA-ADPCM blocks
 * Build: compile the five .c files with your project (C99, no heap, no globals).
 */
#ifndef HARK_H
#define HARK_H

#include "hark_audio.h"
#include "hark_cobs.h"
#include "hark_crc16.h"
#include "hark_frame.h"
#include "hark_msg.h"
#include "hark_protocol.h"
#include "hark_status.h"

#endif /* HARK_H */
