/* host_sim.h — the host's side of the link for the device tests: encodes host messages into the
 * fake HAL's receive buffer and decodes what the board wrote, using protocol/c itself. */
#ifndef HOST_SIM_H
#define HOST_SIM_H

#include "hark_msg.h"

#define HOST_MAX_MSGS 2048

typedef struct {
  hark_msg_t msg;
  uint16_t seq;
  uint8_t payload[1100]; /* decoded spans point here */
} host_rx_t;

extern host_rx_t host_msgs[HOST_MAX_MSGS];
extern int host_count;
extern uint32_t host_seq_gaps;

/** Send one message to the board (appends a frame to the fake RX buffer). */
void host_send(const hark_msg_t *m);
/** Decode everything the board transmitted since the last call into host_msgs (appending). */
void host_collect(void);
/** Forget collected messages. */
void host_clear(void);
/** Number of collected messages of a type; index of the n-th (or -1). */
int host_count_type(uint8_t type);
int host_find(uint8_t type, int nth);

#endif
