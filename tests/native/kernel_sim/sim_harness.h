/*
 * sim_harness.h - what kernel_sim_test.c does as Windows would: load the driver, add devices, open handles,
 * send IOCTLs, reads and writes, move packets through the adapter's rings and datagrams or stream bytes between
 * sockets, fire the timer, close, remove, unload. Everything runs on one thread; the simulated CPU "leaves
 * DISPATCH_LEVEL" after each call into the driver, and the DPCs it queued run then.
 */
#ifndef SIM_HARNESS_H
#define SIM_HARNESS_H

#include "include/sim_wdk.h"

#define SIM_RING_SIZE 16
#define SIM_FRAGMENT_CAPACITY 2048

struct sim_request {
    uint8_t *input;
    size_t input_length;
    uint8_t *output;
    size_t output_length;
    WDFFILEOBJECT file;
    int completed;
    NTSTATUS status;
    ULONG_PTR information;
    struct sim_object *queue; /* the manual queue it waits in, or NULL */
    int references;
};

struct sim_ring_set {
    NET_RING_COLLECTION collection;
    NET_RING packets;
    NET_RING fragments;
    NET_PACKET packet_elements[SIM_RING_SIZE];
    NET_FRAGMENT fragment_elements[SIM_RING_SIZE];
    NET_FRAGMENT_VIRTUAL_ADDRESS addresses[SIM_RING_SIZE];
    NET_PACKET_CHECKSUM checksums[SIM_RING_SIZE];
    uint8_t buffers[SIM_RING_SIZE][SIM_FRAGMENT_CAPACITY];
};

struct sim_object {
    int kind;
    void *slot; /* the driver's context slot (ovpn_km_context_slot) */
    EVT_WDF_OBJECT_CONTEXT_CLEANUP *cleanup;
    struct sim_object *device;
    /* device */
    WDF_FILEOBJECT_CONFIG file_config;
    struct sim_object *default_queue;
    struct sim_object *timer;
    struct sim_object *adapter;
    int control;
    int symbolic_links; /* WdfDeviceCreateSymbolicLink calls */
    int interfaces;     /* WdfDeviceCreateDeviceInterface calls */
    /* queue */
    WDF_IO_QUEUE_CONFIG queue_config;
    struct sim_object *waiting[64];
    int waiting_count;
    /* request */
    struct sim_request request;
    /* timer */
    WDF_TIMER_CONFIG timer_config;
    int armed;
    int64_t due;
    /* adapter */
    NET_ADAPTER_DATAPATH_CALLBACKS datapath;
    EVT_NET_ADAPTER_OFFLOAD_SET_RX_CHECKSUM *rx_checksum_callback;
    NET_IF_MEDIA_CONNECT_STATE link;
    struct sim_object *txq;
    struct sim_object *rxq;
    /* packet queue */
    NET_PACKET_QUEUE_CONFIG packet_config;
    struct sim_ring_set *rings;
};

enum { SIM_DRIVER = 1, SIM_DEVICE, SIM_QUEUE, SIM_REQUEST, SIM_TIMER, SIM_FILE, SIM_ADAPTER, SIM_PACKET_QUEUE, SIM_OFFLOAD };

/* A socket: WSK_SOCKET first (the driver reads Dispatch through the handle). */
struct sim_socket {
    WSK_SOCKET base;
    int tcp;
    void *context;
    const void *events;
    uint8_t bound[28];
    int is_bound;
    uint8_t connected[28];
    int is_connected;
    ULONG event_mask;
    int closed;
    PIRP pending_connect; /* a WskConnect the stack holds (sim_faults.connect_status == STATUS_PENDING) */
    uint8_t stream[16384]; /* TCP bytes sent and not yet delivered */
    size_t stream_length;
};

/* The failures a test can inject. */
struct sim_faults {
    int fail_allocation_at; /* the n-th ExAllocatePool2 from now fails (0: none) */
    NTSTATUS connect_status; /* STATUS_PENDING: the connect stays pending until the socket closes */
    NTSTATUS send_status;
};

extern struct sim_faults sim_faults;
extern const char *sim_failure; /* the first misuse the simulation saw, or NULL */

/* ---- what the harness does ---- */
NTSTATUS sim_load(void);
WDFDEVICE sim_add_device(void);
WDFFILEOBJECT sim_open(WDFDEVICE device);
struct sim_object *sim_ioctl(WDFDEVICE device, WDFFILEOBJECT file, ULONG code, const void *input, size_t input_length, size_t output_length);
struct sim_object *sim_read(WDFDEVICE device, WDFFILEOBJECT file, size_t length);
struct sim_object *sim_write(WDFDEVICE device, WDFFILEOBJECT file, const void *data, size_t length);
void sim_cancel(WDFDEVICE device, struct sim_object *request);
void sim_cleanup(WDFDEVICE device, WDFFILEOBJECT file);
void sim_remove_device(WDFDEVICE device);
void sim_unload(void);
void sim_free_request(struct sim_object *request);

/* The adapter: IP packets the OS transmits (returns how many the driver gave back), packets it received. */
int sim_transmit(WDFDEVICE device, const uint8_t *const *packets, const size_t *lengths, int count);
int sim_receive(WDFDEVICE device, uint8_t packets[][SIM_FRAGMENT_CAPACITY], size_t *lengths, NET_PACKET *descriptions,
                NET_PACKET_CHECKSUM *checksums, int max);
NET_IF_MEDIA_CONNECT_STATE sim_link(WDFDEVICE device);
void sim_fire_timer(WDFDEVICE device);
int sim_timer_armed(WDFDEVICE device);

/* The network: datagrams in flight are delivered to the socket bound to their destination; TCP bytes in pieces. */
int sim_deliver_datagrams(void);
int sim_deliver_stream(size_t piece);
void sim_peer_disconnects(WDFDEVICE device);
struct sim_socket *sim_socket_of(WDFDEVICE device);

/* What is still alive: pool allocations (by the driver), IRPs, MDLs, sockets open, WSK registrations. */
int sim_live_allocations(void);
int sim_live_irps(void);
int sim_live_mdls(void);
int sim_open_sockets(void);
int sim_registrations(void);

#endif /* SIM_HARNESS_H */
