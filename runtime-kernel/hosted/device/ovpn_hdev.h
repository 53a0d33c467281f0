/*
 * ovpn_hdev.h - the hosted device: the Linux stand-in for the Windows ovpn-dco adapter, around libovpndco.
 *
 * One ovpn_hdev is one open handle of \\.\ovpn-dco: it owns a TUN interface (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR
 * with TSO and checksum offload, see ovpn_hdev_offload.h; OVPNDCO_TUN_OFFLOAD=0 turns that off; default name
 * "ovpn-dco0", MTU 1428), the UDP/TCP socket the driver asks for (IPv4 or IPv6), the device timer, and an I/O
 * thread that moves packets TUN fd <-> driver <-> socket entirely in C. The handle is exclusive: the kernel refuses
 * a second attach to a non-persistent TUN, which ovpn_hdev_open reports as STATUS_ACCESS_DENIED. Closing it tears
 * the device down: the interface disappears, pending requests complete STATUS_CANCELLED, peers and keys are
 * destroyed (ovpn_dco_destroy zeroes key material).
 *
 * Requests (Windows semantics, same IOCTL codes and structs as uapi.h; statuses are NTSTATUS values):
 *   ovpn_hdev_ioctl  DeviceIoControl; a request the driver pends (TCP NEW_PEER, NOTIFY_EVENT) blocks the calling
 *                    thread until the driver completes it or ovpn_hdev_cancel(token) cancels it
 *   ovpn_hdev_read   ReadFile of one control packet; blocks while pending (cancel with its token)
 *   ovpn_hdev_write  WriteFile of one control packet
 * Every call may run on any thread, concurrently with the others; ovpn_hdev_close may run while calls block
 * (they return STATUS_CANCELLED) and waits for them to leave before freeing anything.
 * The process can hold several devices (different interface names); the host callbacks of libovpndco are
 * installed once for all of them.
 */
#ifndef OVPN_HDEV_H
#define OVPN_HDEV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ovpn_hdev;

/* Opens the device: creates the TUN interface `ifname` (NULL: "ovpn-dco0") with MTU `mtu` (<= 0: 1428) and a
 * driver instance. Returns 0 and *out, or an NTSTATUS with a one-line reason in `error` (may be NULL):
 * STATUS_ACCESS_DENIED when the interface is held by another handle, STATUS_DEVICE_NOT_READY without
 * /dev/net/tun or CAP_NET_ADMIN, STATUS_INVALID_PARAMETER for a bad name. */
int32_t ovpn_hdev_open(const char *ifname, int32_t mtu, struct ovpn_hdev **out, char *error, int32_t error_len);

/* Closes the handle: cancels pending requests, waits for callers to leave, stops the I/O thread and the timer,
 * destroys the driver instance, removes the interface. NULL is ignored. */
void ovpn_hdev_close(struct ovpn_hdev *dev);

/* Cancels every blocked request and refuses new ones, without freeing: safe while other threads still use the
 * handle (the .NET transport calls it on Dispose, then ovpn_hdev_close when the last user has left). */
void ovpn_hdev_shutdown(struct ovpn_hdev *dev);

/* The interface name (valid until close). */
const char *ovpn_hdev_ifname(const struct ovpn_hdev *dev);

int32_t ovpn_hdev_ioctl(struct ovpn_hdev *dev, uint32_t code, const uint8_t *input, int32_t input_len, uint8_t *output,
                        int32_t output_len, int32_t *bytes_returned, uint64_t token);
int32_t ovpn_hdev_read(struct ovpn_hdev *dev, uint8_t *buffer, int32_t length, int32_t *bytes_read, uint64_t token);
int32_t ovpn_hdev_write(struct ovpn_hdev *dev, const uint8_t *buffer, int32_t length);

/* The same as two steps, so a request is issued (queued in the driver, in program order) before the caller goes on
 * and only the wait blocks: *_start returns the final status, or STATUS_PENDING and *request, which
 * ovpn_hdev_wait then waits for and frees (exactly once; the buffers must stay valid until then). */
int32_t ovpn_hdev_ioctl_start(struct ovpn_hdev *dev, uint32_t code, const uint8_t *input, int32_t input_len, uint8_t *output,
                              int32_t output_len, int32_t *bytes_returned, uint64_t token, void **request);
int32_t ovpn_hdev_read_start(struct ovpn_hdev *dev, uint8_t *buffer, int32_t length, int32_t *bytes_read, uint64_t token,
                             void **request);
int32_t ovpn_hdev_wait(struct ovpn_hdev *dev, void *request, int32_t *bytes);

/* Cancels the blocked request started with `token` (non-zero); it returns STATUS_CANCELLED unless it completed
 * first. Unknown tokens are ignored. */
void ovpn_hdev_cancel(struct ovpn_hdev *dev, uint64_t token);

/* Leak accounting for tests: live allocations of the driver's allocator, live AEAD keys, open devices. */
int64_t ovpn_hdev_live_allocations(void);
int64_t ovpn_hdev_live_keys(void);
int32_t ovpn_hdev_open_count(void);

#ifdef __cplusplus
}
#endif

#endif /* OVPN_HDEV_H */
