/*
 * ovpn_hdev.c - the hosted device (see ovpn_hdev.h): TUN + sockets + timer + request plumbing around libovpndco.
 *
 * Threads and locks
 *   io thread   one per device (rx): epoll over the transport socket(s) and an eventfd; reads datagrams (recvmmsg,
 *               handed over as one batch) or stream bytes and calls the driver (_transport_receive_batch,
 *               _transport_stream, _connected, _disconnected)
 *   tun thread  one per device (tx): reads bursts of packets from the TUN device and hands each burst to the driver
 *               (_adapter_transmit_batch); the UDP datagrams the driver seals meanwhile are queued on this thread and
 *               sent at the end of the burst in one system call (UDP GSO when the kernel has it, else sendmmsg)
 *   timer       ovpn_hosted_timer (libovpndco's timer thread) calls ovpn_dco_on_timer
 *   callers     any thread in ovpn_hdev_ioctl/read/write
 * The driver runs rx and tx at once (its data path holds its lock shared) and calls the host callbacks below with
 * its lock held. Lock order: driver lock -> dev->io (socket fds, TCP output buffer) and driver lock -> dev->mu
 * (request lists). Neither io nor mu is ever held while calling the driver, so nothing can re-enter it.
 */
#define _GNU_SOURCE
#include "ovpn_hdev.h"
#include "ovpn_hdev_offload.h"

#include "ovpn_host.h"
#include "ovpn_hosted.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h, Linux 4.18 */
#endif

/* ---- the driver's C API (out/hosted/ovpndco.h; declared here with an opaque state) --------------------- */
struct ovpn_dco_state;
struct ovpn_dco_state *ovpn_dco_create(intptr_t platform_context);
void ovpn_dco_destroy(struct ovpn_dco_state *state);
int32_t ovpn_dco_ioctl(struct ovpn_dco_state *state, uint32_t code, uint8_t *input, int32_t input_len, uint8_t *output,
                       int32_t output_len, int32_t *bytes_returned, bool control_device);
void ovpn_dco_transport_receive(struct ovpn_dco_state *state, uint8_t *packet, int32_t length, void *from);
void ovpn_dco_transport_stream(struct ovpn_dco_state *state, uint8_t *bytes, int32_t length);
void ovpn_dco_transport_connected(struct ovpn_dco_state *state, int32_t status);
void ovpn_dco_transport_disconnected(struct ovpn_dco_state *state);
int32_t ovpn_dco_adapter_transmit(struct ovpn_dco_state *state, uint8_t *packet, int32_t length);
/* The batch entry points (driver/OvpnDco.Driver/Batch.cs: RxDatagram, TxPacket): one shared-lock hold per batch. */
struct ovpn_dco_rx_datagram {
    uint8_t *data;
    int32_t length;
    uint8_t from[28];
};
struct ovpn_dco_tx_packet {
    uint8_t *data;
    int32_t length;
    int32_t status;
};
_Static_assert(sizeof(struct ovpn_dco_rx_datagram) == 40, "RxDatagram layout");
_Static_assert(sizeof(struct ovpn_dco_tx_packet) == 16, "TxPacket layout");
void ovpn_dco_transport_receive_batch(struct ovpn_dco_state *state, struct ovpn_dco_rx_datagram *batch, int32_t count);
void ovpn_dco_adapter_transmit_batch(struct ovpn_dco_state *state, struct ovpn_dco_tx_packet *batch, int32_t count);
int32_t ovpn_dco_read_control(struct ovpn_dco_state *state, intptr_t request, uint8_t *buffer, int32_t length,
                              int32_t *bytes_read);
bool ovpn_dco_cancel_read(struct ovpn_dco_state *state, intptr_t request);
int32_t ovpn_dco_write_control(struct ovpn_dco_state *state, uint8_t *buffer, int32_t length);
void ovpn_dco_cancel_pending(struct ovpn_dco_state *state, int32_t kind);
void ovpn_dco_on_timer(struct ovpn_dco_state *state);

/* ---- NTSTATUS values ------------------------------------------------------------------------------------- */
#define ST_SUCCESS ((int32_t)0)
#define ST_PENDING ((int32_t)0x00000103)
#define ST_UNSUCCESSFUL ((int32_t)0xC0000001u)
#define ST_INVALID_PARAMETER ((int32_t)0xC000000Du)
#define ST_NO_MEMORY ((int32_t)0xC0000017u)
#define ST_ACCESS_DENIED ((int32_t)0xC0000022u)
#define ST_INSUFFICIENT_RESOURCES ((int32_t)0xC000009Au)
#define ST_DEVICE_NOT_READY ((int32_t)0xC00000A3u)
#define ST_CANCELLED ((int32_t)0xC0000120u)
#define ST_INVALID_DEVICE_STATE ((int32_t)0xC0000184u)
#define ST_ADDRESS_ALREADY_EXISTS ((int32_t)0xC000020Au)
#define ST_CONNECTION_REFUSED ((int32_t)0xC0000236u)
#define ST_NETWORK_UNREACHABLE ((int32_t)0xC000023Cu)
#define ST_HOST_UNREACHABLE ((int32_t)0xC000023Du)
#define ST_IO_TIMEOUT ((int32_t)0xC00000B5u)
#define ST_INVALID_ADDRESS ((int32_t)0xC0000141u)

#define PROTO_UDP 0
#define PROTO_TCP 1
#define WIN_AF_INET 2
#define WIN_AF_INET6 23
#define KIND_NEW_PEER 0
#define KIND_NOTIFY 1
#define REQ_READ 2

#define IO_BATCH 64
#define PKT_MAX 2048
#define TUN_READ_MAX 65536 /* a TCP super-packet of the TUN offloads (an IP packet: at most 64 KiB) */
#define TCP_RX_CHUNK 65536
#define TCP_TX_CAPACITY (4u << 20)

/* Epoll tags: the low 8 bits say which fd, the rest is the socket generation (stale events are ignored). */
enum { TAG_WAKE = 1, TAG_TUN = 2, TAG_SOCK = 3, TAG_LISTEN = 4 };

struct hreq {
    struct hreq *next;
    uint64_t token;
    int kind;             /* KIND_NEW_PEER, KIND_NOTIFY, REQ_READ */
    uint8_t *buffer;      /* where completion data goes */
    int32_t capacity;
    int32_t status;
    int32_t bytes;
    bool queued;          /* in a pending-ioctl FIFO (kinds 0/1) */
    bool cancelling;      /* ovpn_hdev_cancel owns its completion: the caller waits for it even at close */
    bool done;
};

/* A pending-ioctl completion that arrived before its caller queued (the caller's ioctl had not returned yet). */
struct early {
    struct early *next;
    int kind;
    int32_t status;
    int32_t bytes;
    uint8_t data[160];
};

enum sock_state { SOCK_NONE, SOCK_UDP, SOCK_TCP_CONNECTING, SOCK_TCP_LISTENING, SOCK_TCP_UP, SOCK_TCP_DEAD };

struct ovpn_hdev {
    char ifname[IFNAMSIZ];
    int tun;
    bool vnet;          /* the TUN device has IFF_VNET_HDR: a virtio_net_hdr before every packet, both ways */
    int wake;           /* eventfd */
    int ep;             /* epoll */
    pthread_t io_thread;
    bool io_started;
    /* tx: a thread of its own reads the TUN device, so packets go out while the io thread brings others in (the
     * driver's data path runs on both at once). tun_wake is written once, to stop it. */
    pthread_t tun_thread;
    bool tun_started;
    int tun_ep;
    int tun_wake;
    volatile int stop;
    struct ovpn_dco_state *state;
    intptr_t timer;
    pthread_mutex_t timer_mu;

    /* sockets: guarded by io */
    pthread_mutex_t io;
    int sock;
    int listen_sock;
    enum sock_state sock_state;
    uint32_t sock_gen;
    int family;               /* AF_INET / AF_INET6 of the socket */
    struct sockaddr_storage remote;
    socklen_t remote_len;
    uint8_t *tcp_out;         /* TCP bytes the socket did not take yet */
    uint32_t tcp_out_head, tcp_out_len;
    bool want_out;

    /* requests: guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct hreq *reads;        /* pending reads (any order) */
    struct hreq *fifo[2];      /* pending NEW_PEER / NOTIFY_EVENT, oldest first */
    struct early *early;
    int callers;
    bool closing;
    uint64_t cancelled[16];    /* tokens cancelled before their request was registered */
    unsigned cancelled_next;
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_open_devices;

/* ---- small helpers ------------------------------------------------------------------------------------ */

static void set_error(char *error, int32_t len, const char *fmt, const char *a, int err)
{
    if (error == NULL || len <= 0)
        return;
    char reason[160];
    snprintf(reason, sizeof reason, fmt, a);
    if (err != 0)
        snprintf(error, (size_t)len, "%s: %s", reason, strerror(err));
    else
        snprintf(error, (size_t)len, "%s", reason);
}

static int32_t status_from_errno(int err)
{
    switch (err) {
    case EADDRINUSE: return ST_ADDRESS_ALREADY_EXISTS;
    case EADDRNOTAVAIL: case EAFNOSUPPORT: case EINVAL: return ST_INVALID_ADDRESS;
    case ECONNREFUSED: return ST_CONNECTION_REFUSED;
    case ENETUNREACH: return ST_NETWORK_UNREACHABLE;
    case EHOSTUNREACH: return ST_HOST_UNREACHABLE;
    case ETIMEDOUT: return ST_IO_TIMEOUT;
    case EACCES: case EPERM: return ST_ACCESS_DENIED;
    case ENOMEM: case ENOBUFS: case EMFILE: case ENFILE: return ST_INSUFFICIENT_RESOURCES;
    default: return ST_UNSUCCESSFUL;
    }
}

/* uapi SOCKADDR_IN/IN6 (Windows family values, otherwise the Linux layout) -> Linux sockaddr. */
static bool to_linux(const void *uapi, struct sockaddr_storage *out, socklen_t *len)
{
    uint16_t family;
    memcpy(&family, uapi, 2);
    memset(out, 0, sizeof *out);
    if (family == WIN_AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        memcpy(in, uapi, sizeof *in);
        in->sin_family = AF_INET;
        *len = sizeof *in;
        return true;
    }
    if (family == WIN_AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
        memcpy(in6, uapi, sizeof *in6);
        in6->sin6_family = AF_INET6;
        *len = sizeof *in6;
        return true;
    }
    return false;
}

/* Linux sockaddr -> the 28-byte uapi union. */
static void to_uapi(const struct sockaddr_storage *in, uint8_t out[28])
{
    memset(out, 0, 28);
    if (in->ss_family == AF_INET) {
        memcpy(out, in, sizeof(struct sockaddr_in));
        uint16_t f = WIN_AF_INET;
        memcpy(out, &f, 2);
    } else if (in->ss_family == AF_INET6) {
        memcpy(out, in, sizeof(struct sockaddr_in6));
        uint16_t f = WIN_AF_INET6;
        memcpy(out, &f, 2);
    }
}

static bool is_unspecified(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a;
        return in->sin_addr.s_addr == 0 && in->sin_port == 0;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
    return IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) && in6->sin6_port == 0;
}

static void wake_io(struct ovpn_hdev *dev)
{
    uint64_t one = 1;
    ssize_t n = write(dev->wake, &one, sizeof one);
    (void)n;
}

static void ep_set(struct ovpn_hdev *dev, int fd, int tag, uint32_t events, bool add)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = ((uint64_t)dev->sock_gen << 8) | (uint64_t)tag;
    if (epoll_ctl(dev->ep, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) != 0 && add)
        epoll_ctl(dev->ep, EPOLL_CTL_MOD, fd, &ev);
}

/* Closes the transport sockets (io held). */
static void sockets_close_locked(struct ovpn_hdev *dev)
{
    if (dev->sock >= 0) {
        epoll_ctl(dev->ep, EPOLL_CTL_DEL, dev->sock, NULL);
        close(dev->sock);
        dev->sock = -1;
    }
    if (dev->listen_sock >= 0) {
        epoll_ctl(dev->ep, EPOLL_CTL_DEL, dev->listen_sock, NULL);
        close(dev->listen_sock);
        dev->listen_sock = -1;
    }
    dev->sock_state = SOCK_NONE;
    dev->sock_gen++;
    dev->tcp_out_head = dev->tcp_out_len = 0;
    dev->want_out = false;
}

static int new_socket(int family, int type, const struct sockaddr_storage *local, socklen_t len, bool v6only, int *err)
{
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    int one = 1;
    if (type == SOCK_STREAM) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    } else {
        int size = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    if (family == AF_INET6) {
        int v = v6only ? 1 : 0;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v);
    }
    if (!is_unspecified(local) && bind(fd, (const struct sockaddr *)local, len) != 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- host callbacks (called by the driver with its lock held) -------------------------------------------- */

static int32_t cb_transport_open(intptr_t context, int32_t proto, const void *local, const void *remote)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    struct sockaddr_storage l, r;
    socklen_t llen, rlen;
    if (!to_linux(local, &l, &llen) || !to_linux(remote, &r, &rlen) || l.ss_family != r.ss_family)
        return ST_INVALID_PARAMETER;
    int32_t status = ST_SUCCESS;
    int err = 0;
    pthread_mutex_lock(&dev->io);
    sockets_close_locked(dev);
    dev->family = l.ss_family;
    dev->remote = r;
    dev->remote_len = rlen;
    if (proto == PROTO_UDP) {
        int fd = new_socket(l.ss_family, SOCK_DGRAM, &l, llen, true, &err);
        if (fd < 0) {
            status = status_from_errno(err);
        } else {
            dev->sock = fd;
            dev->sock_state = SOCK_UDP;
            ep_set(dev, fd, TAG_SOCK, EPOLLIN, true);
        }
    } else {
        int fd = new_socket(l.ss_family, SOCK_STREAM, &l, llen, true, &err);
        if (fd < 0) {
            status = status_from_errno(err);
        } else if (connect(fd, (const struct sockaddr *)&r, rlen) != 0 && errno != EINPROGRESS) {
            status = status_from_errno(errno);
            close(fd);
        } else {
            /* Completes on the io thread (EPOLLOUT), also when the connect succeeded at once: TCP NEW_PEER pends. */
            dev->sock = fd;
            dev->sock_state = SOCK_TCP_CONNECTING;
            ep_set(dev, fd, TAG_SOCK, EPOLLOUT, true);
            status = ST_PENDING;
        }
    }
    pthread_mutex_unlock(&dev->io);
    return status;
}

static int32_t cb_transport_listen(intptr_t context, const void *listen, bool ipv6_only)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    struct sockaddr_storage l;
    socklen_t llen;
    if (!to_linux(listen, &l, &llen))
        return ST_INVALID_PARAMETER;
    int err = 0;
    int32_t status = ST_SUCCESS;
    pthread_mutex_lock(&dev->io);
    sockets_close_locked(dev);
    int fd = new_socket(l.ss_family, SOCK_DGRAM, &l, llen, ipv6_only, &err);
    if (fd < 0) {
        status = status_from_errno(err);
    } else {
        dev->family = l.ss_family;
        dev->sock = fd;
        dev->sock_state = SOCK_UDP;
        ep_set(dev, fd, TAG_SOCK, EPOLLIN, true);
    }
    pthread_mutex_unlock(&dev->io);
    return status;
}

static void cb_transport_close(intptr_t context)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    pthread_mutex_lock(&dev->io);
    sockets_close_locked(dev);
    pthread_mutex_unlock(&dev->io);
}

/* Appends to the TCP output buffer (io held); false when it does not fit (the whole frame is dropped). */
static bool tcp_out_append(struct ovpn_hdev *dev, const uint8_t *data, uint32_t length)
{
    if (dev->tcp_out == NULL) {
        dev->tcp_out = malloc(TCP_TX_CAPACITY);
        if (dev->tcp_out == NULL)
            return false;
    }
    if (dev->tcp_out_len + length > TCP_TX_CAPACITY)
        return false;
    if (dev->tcp_out_head + dev->tcp_out_len + length > TCP_TX_CAPACITY) {
        memmove(dev->tcp_out, dev->tcp_out + dev->tcp_out_head, dev->tcp_out_len);
        dev->tcp_out_head = 0;
    }
    memcpy(dev->tcp_out + dev->tcp_out_head + dev->tcp_out_len, data, length);
    dev->tcp_out_len += length;
    return true;
}

/* Sends what the TCP output buffer holds (io held); false on a socket error. */
static bool tcp_flush_locked(struct ovpn_hdev *dev)
{
    while (dev->tcp_out_len > 0) {
        ssize_t n = send(dev->sock, dev->tcp_out + dev->tcp_out_head, dev->tcp_out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        dev->tcp_out_head += (uint32_t)n;
        dev->tcp_out_len -= (uint32_t)n;
    }
    dev->tcp_out_head = 0;
    return true;
}

/* ---- the tun thread's send queue ----------------------------------------------------------------------------
 * While the tun thread hands a burst to the driver, the datagrams the driver seals are copied here (the driver's
 * buffer is reused for the next packet) and sent when the burst is done: runs of datagrams of one size to one address
 * as one UDP GSO send (the kernel cuts them), the rest with sendmmsg. A send error then is not reported to the driver
 * (which counted the datagrams sent): UDP gives no such guarantee either. Over TCP the burst's frames go out with one
 * sendmsg (what the socket does not take waits in the output buffer, as a single frame's rest does). */
struct tx_queue {
    struct ovpn_hdev *dev;
    int count;
    bool gso_off;                       /* the socket refused UDP_SEGMENT once: sendmmsg only */
    struct sockaddr_storage to[IO_BATCH];
    socklen_t to_len[IO_BATCH];
    int32_t len[IO_BATCH];
    int32_t proto[IO_BATCH];            /* PROTO_UDP datagrams or PROTO_TCP frames (a device has one socket) */
    uint8_t data[IO_BATCH][PKT_MAX + 128];
};
static _Thread_local struct tx_queue *t_txq;

static bool same_destination(const struct tx_queue *q, int a, int b)
{
    return q->to_len[a] == q->to_len[b] && memcmp(&q->to[a], &q->to[b], q->to_len[a]) == 0;
}

/* Sends q->data[first .. first+n) (same size and address) as one GSO datagram; false when the socket refuses GSO. */
static bool send_gso(struct ovpn_hdev *dev, struct tx_queue *q, int first, int n)
{
    struct iovec iov[IO_BATCH];
    for (int i = 0; i < n; i++) {
        iov[i].iov_base = q->data[first + i];
        iov[i].iov_len = (size_t)q->len[first + i];
    }
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = { .msg_name = &q->to[first], .msg_namelen = q->to_len[first], .msg_iov = iov,
                          .msg_iovlen = (size_t)n, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t segment = (uint16_t)q->len[first];
    memcpy(CMSG_DATA(cm), &segment, sizeof segment);
    if (sendmsg(dev->sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0 || (errno != EIO && errno != EINVAL && errno != ENOPROTOOPT))
        return true; /* sent, or a transient error (EAGAIN, ENOBUFS): the burst is dropped like a full NIC ring */
    return false;
}

static void send_mmsg(struct ovpn_hdev *dev, struct tx_queue *q, int first, int n)
{
    struct mmsghdr msgs[IO_BATCH];
    struct iovec iov[IO_BATCH];
    for (int i = 0; i < n; i++) {
        iov[i].iov_base = q->data[first + i];
        iov[i].iov_len = (size_t)q->len[first + i];
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_name = &q->to[first + i];
        msgs[i].msg_hdr.msg_namelen = q->to_len[first + i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int done = 0;
    while (done < n) {
        int r = sendmmsg(dev->sock, msgs + done, (unsigned)(n - done), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (r <= 0)
            break;
        done += r;
    }
}

/* The burst's TCP frames in order, as one sendmsg; the rest (the socket's buffer is full) into the output buffer. */
static void send_tcp_frames(struct ovpn_hdev *dev, struct tx_queue *q)
{
    struct iovec iov[IO_BATCH];
    int n = 0;
    for (int i = 0; i < q->count; i++)
        if (q->proto[i] == PROTO_TCP)
            iov[n++] = (struct iovec){ q->data[i], (size_t)q->len[i] };
    size_t sent = 0;
    if (dev->tcp_out_len == 0 && n > 0) {
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
        ssize_t r = sendmsg(dev->sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (r > 0)
            sent = (size_t)r;
    }
    bool queued = false;
    for (int i = 0; i < n; i++) {
        if (sent >= iov[i].iov_len) {
            sent -= iov[i].iov_len;
            continue;
        }
        /* a frame the socket took only part of must be completed, or the stream loses its framing; a whole frame
         * that does not fit is dropped, as a datagram would be */
        bool appended = tcp_out_append(dev, (uint8_t *)iov[i].iov_base + sent, (uint32_t)(iov[i].iov_len - sent));
        if (!appended && sent > 0)
            break;
        queued |= appended;
        sent = 0;
    }
    if (queued && !dev->want_out) {
        dev->want_out = true;
        ep_set(dev, dev->sock, TAG_SOCK, EPOLLIN | EPOLLOUT, false);
    }
}

static void tx_flush(struct tx_queue *q)
{
    struct ovpn_hdev *dev = q->dev;
    if (q->count == 0)
        return;
    pthread_mutex_lock(&dev->io);
    if (dev->sock_state == SOCK_UDP) {
        int i = 0;
        while (i < q->count) {
            /* a run: same address, same size, except that the last datagram of a GSO send may be shorter */
            int j = i + 1;
            int32_t total = q->len[i];
            while (j < q->count && same_destination(q, i, j) && q->len[j] <= q->len[i] && q->len[j - 1] == q->len[i] &&
                   total + q->len[j] <= 65000) /* a GSO send is one UDP datagram to the kernel: under 64 KiB */
                total += q->len[j++];
            if (j - i > 1 && !q->gso_off) {
                if (send_gso(dev, q, i, j - i)) {
                    i = j;
                    continue;
                }
                q->gso_off = true;
            }
            send_mmsg(dev, q, i, j - i);
            i = j;
        }
    } else if (dev->sock_state == SOCK_TCP_UP) {
        send_tcp_frames(dev, q);
    }
    pthread_mutex_unlock(&dev->io);
    q->count = 0;
}

static int32_t cb_transport_send(intptr_t context, int32_t proto, const void *remote, const uint8_t *data, int32_t length)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    int32_t status = ST_SUCCESS;
    if (length <= 0)
        return ST_INVALID_PARAMETER;
    struct tx_queue *q = t_txq;
    if (q != NULL && q->dev == dev && length <= (int32_t)sizeof q->data[0]) {
        if (proto == PROTO_UDP && !to_linux(remote, &q->to[q->count], &q->to_len[q->count]))
            return ST_INVALID_PARAMETER;
        q->proto[q->count] = proto;
        memcpy(q->data[q->count], data, (size_t)length);
        q->len[q->count] = length;
        if (++q->count == IO_BATCH)
            tx_flush(q);
        return ST_SUCCESS;
    }
    pthread_mutex_lock(&dev->io);
    if (proto == PROTO_UDP) {
        struct sockaddr_storage r;
        socklen_t rlen;
        if (dev->sock_state != SOCK_UDP) {
            status = ST_INVALID_DEVICE_STATE;
        } else if (!to_linux(remote, &r, &rlen)) {
            status = ST_INVALID_PARAMETER;
        } else if (sendto(dev->sock, data, (size_t)length, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&r, rlen) < 0) {
            status = errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS ? ST_INSUFFICIENT_RESOURCES
                                                                                 : status_from_errno(errno);
        }
    } else if (dev->sock_state != SOCK_TCP_UP) {
        status = ST_INVALID_DEVICE_STATE;
    } else {
        uint32_t sent = 0;
        if (dev->tcp_out_len == 0) {
            ssize_t n = send(dev->sock, data, (size_t)length, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n >= 0)
                sent = (uint32_t)n;
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                status = status_from_errno(errno);
        }
        if (status == ST_SUCCESS && sent < (uint32_t)length) {
            if (!tcp_out_append(dev, data + sent, (uint32_t)length - sent)) {
                status = ST_INSUFFICIENT_RESOURCES;   /* nothing of this frame was sent: the stream stays framed */
            } else if (!dev->want_out) {
                dev->want_out = true;
                ep_set(dev, dev->sock, TAG_SOCK, EPOLLIN | EPOLLOUT, false);
            }
        }
    }
    pthread_mutex_unlock(&dev->io);
    return status;
}

/* The receive side's segment joining (ovpn_hdev_offload.h), owned by the io thread, which makes every rx call. */
static _Thread_local struct ovpn_gro *t_gro;

static void tun_write(void *ctx, const struct ovpn_vnet_hdr *h, const uint8_t *packet, int32_t length)
{
    struct ovpn_hdev *dev = ctx;
    struct iovec iov[2] = { { (void *)h, OVPN_VNET_HDR_LEN }, { (void *)packet, (size_t)length } };
    ssize_t n = writev(dev->tun, iov, 2);
    (void)n;   /* a full TUN queue drops the packet, like a NIC ring */
}

/* After an rx call into the driver (io thread): the segments it delivered and that were joined go to the TUN device. */
static void gro_flush_delivered(struct ovpn_hdev *dev)
{
    if (t_gro != NULL)
        ovpn_gro_flush(t_gro, tun_write, dev);
}

static void cb_adapter_deliver(intptr_t context, const uint8_t *packet, int32_t length)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    if (dev->vnet && t_gro != NULL) {
        ovpn_gro_offer(t_gro, packet, length, tun_write, dev); /* the io thread: joined, written at the batch's end */
    } else if (dev->vnet) {
        static const struct ovpn_vnet_hdr plain;
        tun_write(dev, &plain, packet, length);
    } else {
        ssize_t n = write(dev->tun, packet, (size_t)length);
        (void)n;   /* a full TUN queue drops the packet, like a NIC ring */
    }
}

static void set_if_up(const char *ifname, bool up)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        if (up)
            ifr.ifr_flags |= IFF_UP;
        else
            ifr.ifr_flags &= ~IFF_UP;
        ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
}

static void cb_adapter_set_link(intptr_t context, bool connected)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    /* The TUN carrier is the adapter's media state (Connected after START_VPN); the interface stays up. */
    ioctl(dev->tun, TUNSETCARRIER, &(int){ connected ? 1 : 0 });
}

static bool listed(struct hreq *list, struct hreq *r)
{
    for (; list != NULL; list = list->next)
        if (list == r)
            return true;
    return false;
}

static void unlink_req(struct hreq **list, struct hreq *r)
{
    for (; *list != NULL; list = &(*list)->next) {
        if (*list == r) {
            *list = r->next;
            r->next = NULL;
            return;
        }
    }
}

static void finish(struct hreq *r, int32_t status, const uint8_t *data, int32_t length)
{
    int32_t n = 0;
    if (data != NULL && length > 0 && r->buffer != NULL) {
        n = length < r->capacity ? length : r->capacity;
        memcpy(r->buffer, data, (size_t)n);
    }
    r->status = status;
    r->bytes = n;
    r->done = true;
}

static void cb_complete_read(intptr_t context, intptr_t request, int32_t status, const uint8_t *data, int32_t length)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    struct hreq *r = (struct hreq *)request;
    pthread_mutex_lock(&dev->mu);
    if (listed(dev->reads, r) && !r->done) {   /* a request its caller gave up on (close) is not touched */
        unlink_req(&dev->reads, r);
        finish(r, status, data, length);
        pthread_cond_broadcast(&dev->cv);
    }
    pthread_mutex_unlock(&dev->mu);
}

static void cb_complete_pending(intptr_t context, int32_t kind, int32_t status, const uint8_t *output, int32_t length)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    if (kind != KIND_NEW_PEER && kind != KIND_NOTIFY)
        return;
    pthread_mutex_lock(&dev->mu);
    struct hreq *r = dev->fifo[kind];
    if (r != NULL) {
        dev->fifo[kind] = r->next;
        r->next = NULL;
        r->queued = false;
        finish(r, status, output, length);
        pthread_cond_broadcast(&dev->cv);
    } else if (!dev->closing) {
        /* Its caller has not queued yet (the ioctl that pended is still returning): keep it for that caller. */
        struct early *e = calloc(1, sizeof *e);
        if (e != NULL) {
            e->kind = kind;
            e->status = status;
            e->bytes = length < 0 ? 0 : (length > (int32_t)sizeof e->data ? (int32_t)sizeof e->data : length);
            if (output != NULL && e->bytes > 0)
                memcpy(e->data, output, (size_t)e->bytes);
            struct early **tail = &dev->early;
            while (*tail != NULL)
                tail = &(*tail)->next;
            *tail = e;
        }
    }
    pthread_mutex_unlock(&dev->mu);
}

static void cb_timer_arm(intptr_t context, int64_t due_ms)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    pthread_mutex_lock(&dev->timer_mu);
    if (dev->timer != 0)
        ovpn_hosted_timer_arm(dev->timer, due_ms);
    pthread_mutex_unlock(&dev->timer_mu);
}

static void cb_timer_cancel(intptr_t context)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    pthread_mutex_lock(&dev->timer_mu);
    if (dev->timer != 0)
        ovpn_hosted_timer_cancel(dev->timer);
    pthread_mutex_unlock(&dev->timer_mu);
}

static void on_timer(intptr_t context)
{
    struct ovpn_hdev *dev = (struct ovpn_hdev *)context;
    ovpn_dco_on_timer(dev->state);
}

static const struct ovpn_host_ops g_ops = {
    .transport_open = cb_transport_open,
    .transport_listen = cb_transport_listen,
    .transport_close = cb_transport_close,
    .transport_send = cb_transport_send,
    .adapter_deliver = cb_adapter_deliver,
    .adapter_set_link = cb_adapter_set_link,
    .complete_read = cb_complete_read,
    .complete_pending = cb_complete_pending,
    .timer_arm = cb_timer_arm,
    .timer_cancel = cb_timer_cancel,
};

/* ---- the io thread ------------------------------------------------------------------------------------- */

/*
 * The packets of one wake-up of the tun thread: a batch for the driver, filled from the TUN reads (a packet read in
 * place into its slot, or the segments of a TCP super-packet written into the next slots) and handed over whenever
 * it is full and at the end.
 */
struct tun_burst {
    struct ovpn_hdev *dev;
    uint8_t *slots;                        /* IO_BATCH buffers of PKT_MAX bytes */
    uint8_t *scratch;                      /* PKT_MAX + TUN_READ_MAX: a read larger than one slot, made contiguous */
    struct ovpn_dco_tx_packet batch[IO_BATCH];
    int used;                              /* slots taken = packets in the batch */
};

static void burst_flush(struct tun_burst *b)
{
    if (b->used > 0) {
        ovpn_dco_adapter_transmit_batch(b->dev->state, b->batch, b->used);
        if (t_txq != NULL)
            tx_flush(t_txq);
    }
    b->used = 0;
}

static uint8_t *burst_next_slot(void *ctx)
{
    struct tun_burst *b = ctx;
    if (b->used == IO_BATCH)
        burst_flush(b);
    return b->slots + (size_t)b->used * PKT_MAX;
}

/* A packet for the batch: it lies in the slot burst_next_slot returned last, or (a large read) in the scratch. */
static int burst_emit(void *ctx, uint8_t *data, int32_t length)
{
    struct tun_burst *b = ctx;
    b->batch[b->used].data = data;
    b->batch[b->used].length = length;
    b->batch[b->used].status = 0;
    b->used++;
    if (data < b->slots || data >= b->slots + (size_t)IO_BATCH * PKT_MAX)
        burst_flush(b); /* the scratch is read into again next: hand it over now */
    return 0;
}

/*
 * One read from a TUN device with IFF_VNET_HDR: the header, then the packet into the next slot and, when larger (a
 * TCP super-packet of up to 64 KiB), on into the scratch. Returns false when there is nothing more to read.
 */
static bool tun_read_offloaded(struct tun_burst *b)
{
    struct ovpn_vnet_hdr h;
    uint8_t *slot = burst_next_slot(b);
    struct iovec iov[3] = {
        { &h, OVPN_VNET_HDR_LEN }, { slot, PKT_MAX }, { b->scratch + PKT_MAX, TUN_READ_MAX },
    };
    ssize_t got = readv(b->dev->tun, iov, 3);
    if (got <= OVPN_VNET_HDR_LEN)
        return got > 0; /* a read without a packet: skip it */
    int32_t length = (int32_t)(got - OVPN_VNET_HDR_LEN);
    uint8_t *packet = slot;
    if (length > PKT_MAX || h.gso_type != OVPN_VNET_GSO_NONE) {
        /* a super-packet (its segments go into the slots from this one on) or a packet larger than a slot: both are
         * read on from the scratch, where the slot's part is put in front of the rest */
        memcpy(b->scratch, slot, (size_t)(length < PKT_MAX ? length : PKT_MAX));
        packet = b->scratch;
    }
    /* A packet that is not what its header says (which the kernel never hands over) is dropped, as a NIC would. */
    (void)ovpn_gso_split(&h, packet, length, burst_next_slot, PKT_MAX, burst_emit, b);
    return true;
}

/* Reads what the TUN device has (up to IO_BATCH reads) and hands the packets to the driver in batches. */
static void io_tun(struct ovpn_hdev *dev, struct tun_burst *b)
{
    b->dev = dev;
    b->used = 0;
    for (int reads = 0; reads < IO_BATCH; reads++) {
        if (dev->vnet) {
            if (!tun_read_offloaded(b))
                break;
            continue;
        }
        uint8_t *slot = burst_next_slot(b);
        ssize_t got = read(dev->tun, slot, PKT_MAX);
        if (got <= 0)
            break;
        burst_emit(b, slot, (int32_t)got);
    }
    burst_flush(b);
}

struct udp_batch {
    struct mmsghdr msgs[IO_BATCH];
    struct iovec iov[IO_BATCH];
    struct sockaddr_storage from[IO_BATCH];
    uint8_t data[IO_BATCH][PKT_MAX];
    struct ovpn_dco_rx_datagram batch[IO_BATCH];
};

static void io_udp(struct ovpn_hdev *dev, uint32_t gen, struct udp_batch *b)
{
    for (int i = 0; i < IO_BATCH; i++) {
        b->iov[i].iov_base = b->data[i];
        b->iov[i].iov_len = PKT_MAX;
        memset(&b->msgs[i].msg_hdr, 0, sizeof b->msgs[i].msg_hdr);
        b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
        b->msgs[i].msg_hdr.msg_iovlen = 1;
        b->msgs[i].msg_hdr.msg_name = &b->from[i];
        b->msgs[i].msg_hdr.msg_namelen = sizeof b->from[i];
    }
    pthread_mutex_lock(&dev->io);
    int n = -1;
    if (dev->sock_gen == gen && dev->sock_state == SOCK_UDP)
        n = recvmmsg(dev->sock, b->msgs, IO_BATCH, MSG_DONTWAIT, NULL);
    pthread_mutex_unlock(&dev->io);
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (b->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
            continue;
        b->batch[count].data = b->data[i];
        b->batch[count].length = (int32_t)b->msgs[i].msg_len;
        to_uapi(&b->from[i], b->batch[count].from);
        count++;
    }
    if (count > 0) {
        ovpn_dco_transport_receive_batch(dev->state, b->batch, count);
        gro_flush_delivered(dev);
    }
}

static int32_t accept_peer_locked(struct ovpn_hdev *dev)
{
    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        int fd = accept4(dev->listen_sock, (struct sockaddr *)&from, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return ST_PENDING;
        if (len == dev->remote_len && memcmp(&from, &dev->remote, len) == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            epoll_ctl(dev->ep, EPOLL_CTL_DEL, dev->listen_sock, NULL);
            close(dev->listen_sock);
            dev->listen_sock = -1;
            dev->sock = fd;
            dev->sock_state = SOCK_TCP_UP;
            ep_set(dev, fd, TAG_SOCK, EPOLLIN, true);
            return ST_SUCCESS;
        }
        close(fd);   /* not our peer */
    }
}

/* A TCP connect finished (EPOLLOUT). Refused: the peer is not up yet, so wait for it to connect to us instead
 * (listen on the local address; only the configured remote address is accepted). */
static int32_t tcp_connect_result_locked(struct ovpn_hdev *dev)
{
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(dev->sock, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0) {
        dev->sock_state = SOCK_TCP_UP;
        ep_set(dev, dev->sock, TAG_SOCK, EPOLLIN, false);
        return ST_SUCCESS;
    }
    if (err != ECONNREFUSED)
        return status_from_errno(err);
    struct sockaddr_storage local;
    socklen_t llen = sizeof local;
    if (getsockname(dev->sock, (struct sockaddr *)&local, &llen) != 0)
        return status_from_errno(errno);
    epoll_ctl(dev->ep, EPOLL_CTL_DEL, dev->sock, NULL);
    close(dev->sock);
    dev->sock = -1;
    int e = 0;
    int fd = new_socket(local.ss_family, SOCK_STREAM, &local, llen, true, &e);
    if (fd < 0)
        return status_from_errno(e);
    if (listen(fd, 4) != 0) {
        e = errno;
        close(fd);
        return status_from_errno(e);
    }
    dev->listen_sock = fd;
    dev->sock_state = SOCK_TCP_LISTENING;
    ep_set(dev, fd, TAG_LISTEN, EPOLLIN, true);
    return ST_PENDING;
}

static void io_sock(struct ovpn_hdev *dev, uint32_t gen, uint32_t events, int tag, uint8_t *chunk, struct udp_batch *b)
{
    int32_t connected = ST_PENDING;
    bool disconnected = false;
    ssize_t got = 0;
    pthread_mutex_lock(&dev->io);
    if (dev->sock_gen != gen) {
        pthread_mutex_unlock(&dev->io);
        return;
    }
    switch (dev->sock_state) {
    case SOCK_UDP:
        pthread_mutex_unlock(&dev->io);
        io_udp(dev, gen, b);
        return;
    case SOCK_TCP_CONNECTING:
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            connected = tcp_connect_result_locked(dev);
        break;
    case SOCK_TCP_LISTENING:
        if (tag == TAG_LISTEN)
            connected = accept_peer_locked(dev);
        break;
    case SOCK_TCP_UP:
        if (events & EPOLLOUT) {
            if (!tcp_flush_locked(dev)) {
                disconnected = true;
            } else if (dev->tcp_out_len == 0 && dev->want_out) {
                dev->want_out = false;
                ep_set(dev, dev->sock, TAG_SOCK, EPOLLIN, false);
            }
        }
        if (!disconnected && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
            got = recv(dev->sock, chunk, TCP_RX_CHUNK, MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                disconnected = true;
        }
        if (disconnected) {
            epoll_ctl(dev->ep, EPOLL_CTL_DEL, dev->sock, NULL);
            dev->sock_state = SOCK_TCP_DEAD;
            got = 0;
        }
        break;
    default:
        break;
    }
    pthread_mutex_unlock(&dev->io);
    if (connected != ST_PENDING) {
        if (connected != ST_SUCCESS) {
            pthread_mutex_lock(&dev->io);
            if (dev->sock_gen == gen && dev->sock >= 0) {
                epoll_ctl(dev->ep, EPOLL_CTL_DEL, dev->sock, NULL);
                dev->sock_state = SOCK_TCP_DEAD;
            }
            pthread_mutex_unlock(&dev->io);
        }
        ovpn_dco_transport_connected(dev->state, connected);
    }
    if (got > 0) {
        ovpn_dco_transport_stream(dev->state, chunk, (int32_t)got);
        gro_flush_delivered(dev);
    }
    if (disconnected)
        ovpn_dco_transport_disconnected(dev->state);
}

static void *tun_main(void *arg)
{
    struct ovpn_hdev *dev = arg;
    struct tun_burst burst = { .dev = dev };
    burst.slots = malloc((size_t)IO_BATCH * PKT_MAX);
    burst.scratch = malloc((size_t)PKT_MAX + TUN_READ_MAX);
    struct tx_queue *q = calloc(1, sizeof *q);
    if (burst.slots == NULL || burst.scratch == NULL || q == NULL) {
        free(burst.slots);
        free(burst.scratch);
        free(q);
        return NULL;
    }
    q->dev = dev;
    t_txq = q;
    struct epoll_event events[2];
    while (!dev->stop) {
        int n = epoll_wait(dev->tun_ep, events, 2, 1000);
        for (int i = 0; i < n && !dev->stop; i++)
            if ((events[i].data.u64 & 0xFF) == TAG_TUN)
                io_tun(dev, &burst);
    }
    t_txq = NULL;
    free(q);
    free(burst.slots);
    free(burst.scratch);
    return NULL;
}

static void stop_threads(struct ovpn_hdev *dev)
{
    uint64_t one = 1;
    dev->stop = 1;
    wake_io(dev);
    if (dev->tun_wake >= 0) {
        ssize_t n = write(dev->tun_wake, &one, sizeof one);
        (void)n;
    }
    if (dev->io_started)
        pthread_join(dev->io_thread, NULL);
    if (dev->tun_started)
        pthread_join(dev->tun_thread, NULL);
    dev->io_started = dev->tun_started = false;
}

static void *io_main(void *arg)
{
    struct ovpn_hdev *dev = arg;
    uint8_t *chunk = malloc(TCP_RX_CHUNK);
    struct udp_batch *b = malloc(sizeof *b);
    struct ovpn_gro gro = { .buf = dev->vnet ? malloc(OVPN_GRO_CAPACITY) : NULL };
    if (chunk == NULL || b == NULL) {
        free(chunk);
        free(b);
        free(gro.buf);
        return NULL;
    }
    t_gro = gro.buf != NULL ? &gro : NULL; /* without the buffer: each packet written as it comes */
    struct epoll_event events[16];
    while (!dev->stop) {
        int n = epoll_wait(dev->ep, events, 16, 1000);
        for (int i = 0; i < n && !dev->stop; i++) {
            int tag = (int)(events[i].data.u64 & 0xFF);
            uint32_t gen = (uint32_t)(events[i].data.u64 >> 8);
            if (tag == TAG_WAKE) {
                uint64_t v;
                ssize_t r = read(dev->wake, &v, sizeof v);
                (void)r;
            } else {
                io_sock(dev, gen, events[i].events, tag, chunk, b);
            }
        }
    }
    t_gro = NULL;
    free(gro.buf);
    free(chunk);
    free(b);
    return NULL;
}

/* ---- open / close --------------------------------------------------------------------------------------- */

int32_t ovpn_hdev_open(const char *ifname, int32_t mtu, struct ovpn_hdev **out, char *error, int32_t error_len)
{
    if (out == NULL)
        return ST_INVALID_PARAMETER;
    *out = NULL;
    if (ifname == NULL || ifname[0] == '\0')
        ifname = "ovpn-dco0";
    if (strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/') != NULL || strchr(ifname, ' ') != NULL) {
        set_error(error, error_len, "bad interface name '%s'", ifname, 0);
        return ST_INVALID_PARAMETER;
    }
    if (mtu <= 0)
        mtu = 1428;
    if (mtu < 576 || mtu > 1500) {
        set_error(error, error_len, "MTU out of range 576..1500%s", "", 0);
        return ST_INVALID_PARAMETER;
    }
    struct ovpn_hdev *dev = calloc(1, sizeof *dev);
    if (dev == NULL)
        return ST_NO_MEMORY;
    dev->tun = dev->wake = dev->ep = dev->sock = dev->listen_sock = dev->tun_ep = dev->tun_wake = -1;
    pthread_mutex_init(&dev->io, NULL);
    pthread_mutex_init(&dev->mu, NULL);
    pthread_mutex_init(&dev->timer_mu, NULL);
    pthread_cond_init(&dev->cv, NULL);
    int32_t status = ST_SUCCESS;

    dev->tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (dev->tun < 0) {
        set_error(error, error_len, "cannot open %s (TUN support and CAP_NET_ADMIN are needed)", "/dev/net/tun", errno);
        status = ST_DEVICE_NOT_READY;
        goto fail;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    /* TUN offloads (ovpn_hdev_offload.h) unless OVPNDCO_TUN_OFFLOAD=0: the kernel's TCP stack then hands us
     * super-packets of up to 64 KiB with the checksums left undone, and this side segments them. */
    const char *offload = getenv("OVPNDCO_TUN_OFFLOAD");
    dev->vnet = offload == NULL || strcmp(offload, "0") != 0;
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (dev->vnet ? IFF_VNET_HDR : 0);
    memcpy(ifr.ifr_name, ifname, strlen(ifname));
    if (ioctl(dev->tun, TUNSETIFF, &ifr) != 0) {
        int e = errno;
        if (e == EBUSY) {
            set_error(error, error_len, "device %s is already open (the handle is exclusive)", ifname, 0);
            status = ST_ACCESS_DENIED;
        } else {
            set_error(error, error_len, "cannot create TUN interface %s", ifname, e);
            status = e == EPERM ? ST_ACCESS_DENIED : (e == EINVAL ? ST_ACCESS_DENIED : ST_DEVICE_NOT_READY);
        }
        goto fail;
    }
    memcpy(dev->ifname, ifr.ifr_name, IFNAMSIZ - 1);
    if (dev->vnet) {
        int size = OVPN_VNET_HDR_LEN;
        ioctl(dev->tun, TUNSETVNETHDRSZ, &size);
        /* Refused (an old kernel): the header stays, the kernel just leaves nothing to do in it. */
        ioctl(dev->tun, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN));
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        struct ifreq m;
        memset(&m, 0, sizeof m);
        memcpy(m.ifr_name, dev->ifname, IFNAMSIZ - 1);
        m.ifr_mtu = mtu;
        ioctl(s, SIOCSIFMTU, &m);
        close(s);
    }
    /* Link Disconnected until START_VPN; the interface itself is up so addresses and routes can be set. */
    ioctl(dev->tun, TUNSETCARRIER, &(int){ 0 });
    set_if_up(dev->ifname, true);

    dev->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    dev->ep = epoll_create1(EPOLL_CLOEXEC);
    dev->tun_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    dev->tun_ep = epoll_create1(EPOLL_CLOEXEC);
    if (dev->wake < 0 || dev->ep < 0 || dev->tun_wake < 0 || dev->tun_ep < 0) {
        set_error(error, error_len, "cannot create %s", "epoll/eventfd", errno);
        status = ST_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    ep_set(dev, dev->wake, TAG_WAKE, EPOLLIN, true);
    struct epoll_event tun_events[2] = { { .events = EPOLLIN, .data.u64 = TAG_TUN },
                                         { .events = EPOLLIN, .data.u64 = TAG_WAKE } };
    if (epoll_ctl(dev->tun_ep, EPOLL_CTL_ADD, dev->tun, &tun_events[0]) != 0 ||
        epoll_ctl(dev->tun_ep, EPOLL_CTL_ADD, dev->tun_wake, &tun_events[1]) != 0) {
        set_error(error, error_len, "cannot create %s", "epoll", errno);
        status = ST_INSUFFICIENT_RESOURCES;
        goto fail;
    }

    pthread_mutex_lock(&g_mu);
    if (g_open_devices++ == 0)
        ovpn_host_set_ops(&g_ops);
    pthread_mutex_unlock(&g_mu);

    dev->state = ovpn_dco_create((intptr_t)dev);
    if (dev->state == NULL || ovpn_hosted_timer_create(on_timer, (intptr_t)dev, &dev->timer) != 0) {
        set_error(error, error_len, "cannot create the driver instance%s", "", 0);
        status = ST_INSUFFICIENT_RESOURCES;
        goto fail_driver;
    }
    if (pthread_create(&dev->io_thread, NULL, io_main, dev) != 0) {
        set_error(error, error_len, "cannot start the io thread%s", "", 0);
        status = ST_INSUFFICIENT_RESOURCES;
        goto fail_driver;
    }
    dev->io_started = true;
    if (pthread_create(&dev->tun_thread, NULL, tun_main, dev) != 0) {
        stop_threads(dev);
        set_error(error, error_len, "cannot start the tun thread%s", "", 0);
        status = ST_INSUFFICIENT_RESOURCES;
        goto fail_driver;
    }
    dev->tun_started = true;
    *out = dev;
    return ST_SUCCESS;

fail_driver:
    if (dev->timer != 0)
        ovpn_hosted_timer_destroy(&dev->timer);
    if (dev->state != NULL)
        ovpn_dco_destroy(dev->state);
    pthread_mutex_lock(&g_mu);
    if (--g_open_devices == 0)
        ovpn_host_set_ops(NULL);
    pthread_mutex_unlock(&g_mu);
fail:
    if (dev->ep >= 0)
        close(dev->ep);
    if (dev->wake >= 0)
        close(dev->wake);
    if (dev->tun_ep >= 0)
        close(dev->tun_ep);
    if (dev->tun_wake >= 0)
        close(dev->tun_wake);
    if (dev->tun >= 0)
        close(dev->tun);
    pthread_mutex_destroy(&dev->io);
    pthread_mutex_destroy(&dev->mu);
    pthread_mutex_destroy(&dev->timer_mu);
    pthread_cond_destroy(&dev->cv);
    free(dev);
    return status;
}

/* Marks the device closing and completes every blocked request STATUS_CANCELLED (dev->mu held). */
static void cancel_all_locked(struct ovpn_hdev *dev)
{
    dev->closing = true;
    for (struct hreq *r = dev->reads; r != NULL; r = r->next)
        if (!r->done)
            finish(r, ST_CANCELLED, NULL, 0);
    for (int k = 0; k < 2; k++)
        for (struct hreq *r = dev->fifo[k]; r != NULL; r = r->next)
            if (!r->done)
                finish(r, ST_CANCELLED, NULL, 0);
    pthread_cond_broadcast(&dev->cv);
}

void ovpn_hdev_shutdown(struct ovpn_hdev *dev)
{
    if (dev == NULL)
        return;
    pthread_mutex_lock(&dev->mu);
    cancel_all_locked(dev);
    pthread_mutex_unlock(&dev->mu);
}

void ovpn_hdev_close(struct ovpn_hdev *dev)
{
    if (dev == NULL)
        return;
    /* 1. No new callers; every blocked request completes STATUS_CANCELLED; wait for callers to leave. */
    pthread_mutex_lock(&dev->mu);
    cancel_all_locked(dev);
    while (dev->callers > 0)
        pthread_cond_wait(&dev->cv, &dev->mu);
    pthread_mutex_unlock(&dev->mu);

    /* 2. Stop the io and tun threads and the timer (waiting for a running callback), then destroy the driver
     *    instance: peers deleted, keys destroyed and zeroed. */
    stop_threads(dev);
    pthread_mutex_lock(&dev->timer_mu);
    intptr_t timer = dev->timer;
    dev->timer = 0;
    pthread_mutex_unlock(&dev->timer_mu);
    if (timer != 0)
        ovpn_hosted_timer_destroy(&timer);
    ovpn_dco_destroy(dev->state);

    pthread_mutex_lock(&g_mu);
    if (--g_open_devices == 0)
        ovpn_host_set_ops(NULL);
    pthread_mutex_unlock(&g_mu);

    /* 3. Sockets, the interface (closing the last TUN fd removes it), memory. */
    pthread_mutex_lock(&dev->io);
    sockets_close_locked(dev);
    pthread_mutex_unlock(&dev->io);
    set_if_up(dev->ifname, false);
    close(dev->tun);
    close(dev->ep);
    close(dev->wake);
    close(dev->tun_ep);
    close(dev->tun_wake);
    while (dev->early != NULL) {
        struct early *e = dev->early;
        dev->early = e->next;
        free(e);
    }
    free(dev->tcp_out);
    pthread_mutex_destroy(&dev->io);
    pthread_mutex_destroy(&dev->mu);
    pthread_mutex_destroy(&dev->timer_mu);
    pthread_cond_destroy(&dev->cv);
    free(dev);
}

const char *ovpn_hdev_ifname(const struct ovpn_hdev *dev)
{
    return dev != NULL ? dev->ifname : "";
}

/* ---- requests ------------------------------------------------------------------------------------------- */

static bool enter(struct ovpn_hdev *dev)
{
    pthread_mutex_lock(&dev->mu);
    bool ok = !dev->closing;
    if (ok)
        dev->callers++;
    pthread_mutex_unlock(&dev->mu);
    return ok;
}

/* mu held */
static void leave_locked(struct ovpn_hdev *dev)
{
    if (--dev->callers == 0 && dev->closing)
        pthread_cond_broadcast(&dev->cv);
}

static void leave(struct ovpn_hdev *dev)
{
    pthread_mutex_lock(&dev->mu);
    leave_locked(dev);
    pthread_mutex_unlock(&dev->mu);
}

/* mu held: true (and forgotten) when `token` was cancelled before its request was registered. */
static bool take_cancelled_locked(struct ovpn_hdev *dev, uint64_t token)
{
    if (token == 0)
        return false;
    for (unsigned i = 0; i < 16; i++) {
        if (dev->cancelled[i] == token) {
            dev->cancelled[i] = 0;
            return true;
        }
    }
    return false;
}

/* Waits (mu held) until the request is done or the handle closes. */
static void wait_done_locked(struct ovpn_hdev *dev, struct hreq *r)
{
    while (!r->done && (!dev->closing || r->cancelling))
        pthread_cond_wait(&dev->cv, &dev->mu);
    if (!r->done)
        finish(r, ST_CANCELLED, NULL, 0);
}

static int kind_of(uint32_t code)
{
    if (code == 0x00220004u)
        return KIND_NEW_PEER;
    if (code == 0x00220038u)
        return KIND_NOTIFY;
    return -1;
}

/* A request that pended: heap-allocated, owned by its caller until ovpn_hdev_wait frees it. */
static struct hreq *new_req(uint64_t token, int kind, uint8_t *buffer, int32_t capacity)
{
    struct hreq *r = calloc(1, sizeof *r);
    if (r != NULL) {
        r->token = token;
        r->kind = kind;
        r->buffer = buffer;
        r->capacity = capacity;
    }
    return r;
}

int32_t ovpn_hdev_ioctl_start(struct ovpn_hdev *dev, uint32_t code, const uint8_t *input, int32_t input_len, uint8_t *output,
                              int32_t output_len, int32_t *bytes_returned, uint64_t token, void **request)
{
    int32_t dummy = 0;
    if (bytes_returned == NULL)
        bytes_returned = &dummy;
    *bytes_returned = 0;
    if (request == NULL)
        return ST_INVALID_PARAMETER;
    *request = NULL;
    if (dev == NULL || input_len < 0 || output_len < 0 || (input == NULL && input_len > 0) || (output == NULL && output_len > 0))
        return ST_INVALID_PARAMETER;
    if (!enter(dev))
        return ST_CANCELLED;
    int kind = kind_of(code);
    struct hreq *r = NULL;
    if (kind >= 0) {
        r = new_req(token, kind, output, output_len);
        pthread_mutex_lock(&dev->mu);
        bool cancelled = r == NULL || take_cancelled_locked(dev, token);
        if (cancelled)
            leave_locked(dev);
        pthread_mutex_unlock(&dev->mu);
        if (cancelled) {
            free(r);
            return r == NULL ? ST_INSUFFICIENT_RESOURCES : ST_CANCELLED;
        }
    }
    int32_t status = ovpn_dco_ioctl(dev->state, code, (uint8_t *)input, input_len, output, output_len, bytes_returned, false);
    if (status != ST_PENDING || kind < 0) {
        free(r);
        leave(dev);
        return status;
    }
    pthread_mutex_lock(&dev->mu);
    struct early **e = &dev->early;
    while (*e != NULL && (*e)->kind != kind)
        e = &(*e)->next;
    if (*e != NULL) {
        /* Completed before we got here. */
        struct early *got = *e;
        *e = got->next;
        finish(r, got->status, got->data, got->bytes);
        free(got);
    } else {
        struct hreq **tail = &dev->fifo[kind];
        while (*tail != NULL)
            tail = &(*tail)->next;
        *tail = r;
        r->queued = true;
    }
    pthread_mutex_unlock(&dev->mu);
    *request = r;   /* the caller stays counted in dev->callers until ovpn_hdev_wait */
    return ST_PENDING;
}

int32_t ovpn_hdev_read_start(struct ovpn_hdev *dev, uint8_t *buffer, int32_t length, int32_t *bytes_read, uint64_t token,
                             void **request)
{
    int32_t dummy = 0;
    if (bytes_read == NULL)
        bytes_read = &dummy;
    *bytes_read = 0;
    if (request == NULL)
        return ST_INVALID_PARAMETER;
    *request = NULL;
    if (dev == NULL || length < 0 || (buffer == NULL && length > 0))
        return ST_INVALID_PARAMETER;
    if (!enter(dev))
        return ST_CANCELLED;
    struct hreq *r = new_req(token, REQ_READ, buffer, length);
    pthread_mutex_lock(&dev->mu);
    if (r == NULL || take_cancelled_locked(dev, token)) {
        leave_locked(dev);
        pthread_mutex_unlock(&dev->mu);
        int32_t st = r == NULL ? ST_INSUFFICIENT_RESOURCES : ST_CANCELLED;
        free(r);
        return st;
    }
    r->next = dev->reads;
    dev->reads = r;
    pthread_mutex_unlock(&dev->mu);
    int32_t n = 0;
    int32_t status = ovpn_dco_read_control(dev->state, (intptr_t)r, buffer, length, &n);
    if (status == ST_PENDING) {
        *request = r;
        return ST_PENDING;
    }
    pthread_mutex_lock(&dev->mu);
    unlink_req(&dev->reads, r);
    leave_locked(dev);
    pthread_mutex_unlock(&dev->mu);
    free(r);
    *bytes_read = n;
    return status;
}

int32_t ovpn_hdev_wait(struct ovpn_hdev *dev, void *request, int32_t *bytes)
{
    struct hreq *r = request;
    int32_t dummy = 0;
    if (bytes == NULL)
        bytes = &dummy;
    *bytes = 0;
    if (dev == NULL || r == NULL)
        return ST_INVALID_PARAMETER;
    pthread_mutex_lock(&dev->mu);
    wait_done_locked(dev, r);
    int32_t status = r->status;
    *bytes = r->bytes;
    pthread_mutex_unlock(&dev->mu);
    /* A read given up on at close is still known to the driver by its address: withdraw it before it is freed
     * (a no-op when the driver completed or removed it). The device cannot be destroyed meanwhile: this request
     * still counts as a caller. */
    if (r->kind == REQ_READ && status == ST_CANCELLED)
        ovpn_dco_cancel_read(dev->state, (intptr_t)r);
    pthread_mutex_lock(&dev->mu);
    if (r->kind == REQ_READ)
        unlink_req(&dev->reads, r);
    else if (r->queued)
        unlink_req(&dev->fifo[r->kind], r);
    leave_locked(dev);
    pthread_mutex_unlock(&dev->mu);
    free(r);
    return status;
}

int32_t ovpn_hdev_ioctl(struct ovpn_hdev *dev, uint32_t code, const uint8_t *input, int32_t input_len, uint8_t *output,
                        int32_t output_len, int32_t *bytes_returned, uint64_t token)
{
    void *request = NULL;
    int32_t status = ovpn_hdev_ioctl_start(dev, code, input, input_len, output, output_len, bytes_returned, token, &request);
    return status == ST_PENDING && request != NULL ? ovpn_hdev_wait(dev, request, bytes_returned) : status;
}

int32_t ovpn_hdev_read(struct ovpn_hdev *dev, uint8_t *buffer, int32_t length, int32_t *bytes_read, uint64_t token)
{
    void *request = NULL;
    int32_t status = ovpn_hdev_read_start(dev, buffer, length, bytes_read, token, &request);
    return status == ST_PENDING && request != NULL ? ovpn_hdev_wait(dev, request, bytes_read) : status;
}

int32_t ovpn_hdev_write(struct ovpn_hdev *dev, const uint8_t *buffer, int32_t length)
{
    if (dev == NULL || length < 0 || (buffer == NULL && length > 0))
        return ST_INVALID_PARAMETER;
    if (!enter(dev))
        return ST_CANCELLED;
    int32_t status = ovpn_dco_write_control(dev->state, (uint8_t *)buffer, length);
    leave(dev);
    return status;
}

void ovpn_hdev_cancel(struct ovpn_hdev *dev, uint64_t token)
{
    if (dev == NULL || token == 0 || !enter(dev))
        return;
    pthread_mutex_lock(&dev->mu);
    struct hreq *found = NULL;
    for (struct hreq *r = dev->reads; r != NULL && found == NULL; r = r->next)
        if (r->token == token && !r->done)
            found = r;
    int kind = -1;
    for (int k = 0; k < 2 && found == NULL; k++)
        for (struct hreq *r = dev->fifo[k]; r != NULL && found == NULL; r = r->next)
            if (r->token == token && !r->done) {
                found = r;
                kind = k;
            }
    if (found == NULL) {
        /* Not registered yet (or already done): remember it so a request started with it now fails at once. */
        dev->cancelled[dev->cancelled_next++ % 16] = token;
        leave_locked(dev);
        pthread_mutex_unlock(&dev->mu);
        return;
    }
    pthread_mutex_unlock(&dev->mu);
    /* `found` stays valid while it is not done: its caller is blocked waiting for it. */
    if (kind < 0) {
        /* Listed and not done means its caller is still waiting (it unlinks itself with mu held). */
        if (ovpn_dco_cancel_read(dev->state, (intptr_t)found)) {
            pthread_mutex_lock(&dev->mu);
            if (listed(dev->reads, found) && !found->done) {
                finish(found, ST_CANCELLED, NULL, 0);
                pthread_cond_broadcast(&dev->cv);
            }
            pthread_mutex_unlock(&dev->mu);
        }
    } else {
        pthread_mutex_lock(&dev->mu);
        bool still = listed(dev->fifo[kind], found) && !found->done;
        if (still) {
            unlink_req(&dev->fifo[kind], found);
            found->queued = false;
            found->cancelling = true;
        }
        pthread_mutex_unlock(&dev->mu);
        if (still) {
            ovpn_dco_cancel_pending(dev->state, kind);
            pthread_mutex_lock(&dev->mu);
            finish(found, ST_CANCELLED, NULL, 0);
            pthread_cond_broadcast(&dev->cv);
            pthread_mutex_unlock(&dev->mu);
        }
    }
    leave(dev);
}

int64_t ovpn_hdev_live_allocations(void)
{
    return ovpn_hosted_mem_live(0);
}

int64_t ovpn_hdev_live_keys(void)
{
    return ovpn_hosted_aead_live();
}

int32_t ovpn_hdev_open_count(void)
{
    pthread_mutex_lock(&g_mu);
    int32_t n = g_open_devices;
    pthread_mutex_unlock(&g_mu);
    return n;
}
