#ifndef BECKON_CHEAP_H
#define BECKON_CHEAP_H
#include <stddef.h>

/// Bytes malloc has handed out and not had back (glibc's mallinfo2: in use, plus mmapped blocks);
/// 0 where it is not available.
size_t beckon_heap_in_use(void);

#endif
