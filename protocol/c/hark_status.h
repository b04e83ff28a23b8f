/*
 * hark_status.h — status codes and attributes shared by the hark C codec (protocol/c/).
 *
 * Every hark_ function that can fail returns one of the HARK_* status codes below (0 is success,
 * failures are negative) and is marked HARK_NODISCARD, so a caller cannot ignore a failure silently.
 * Codes are stable: a retired code is never reused.
 */
#ifndef HARK_STATUS_H
#define HARK_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/** Success. */
#define HARK_OK 0
/** Encode: a field is out of its range (an enum past its last value, a string over its limit, a
 *  count outside its bounds, or the payload would exceed HARK_MAX_PAYLOAD_BYTES). */
#define HARK_ERR_RANGE (-1)
/** Encode: the caller's output buffer is too small for the result. */
#define HARK_ERR_NO_SPACE (-2)
/** Decode: the message type is not one this version knows (skip it and count it; never fatal). */
#define HARK_ERR_UNKNOWN_TYPE (-3)
/** Decode: the payload is too short or a count, length or codec in it is invalid. */
#define HARK_ERR_BAD_PAYLOAD (-4)
/** A required pointer argument was NULL (or a byte span had data == NULL with len > 0). */
#define HARK_ERR_ARG (-5)

#if defined(__GNUC__) || defined(__clang__)
#define HARK_NODISCARD __attribute__((warn_unused_result))
#else
#define HARK_NODISCARD
#endif

#ifdef __cplusplus
}
#endif

#endif /* HARK_STATUS_H */
