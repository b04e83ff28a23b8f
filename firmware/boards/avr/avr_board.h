/* avr_board.h — state the Uno board layer's files share. */
#ifndef AVR_BOARD_H
#define AVR_BOARD_H

#include <stdint.h>

/** Non-zero while the 8 kHz sampler owns the ADC (an utterance is being captured). */
extern volatile uint8_t avr_mic_on;

#endif
