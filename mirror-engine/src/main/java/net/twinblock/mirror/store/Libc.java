package net.twinblock.mirror.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;

/**
 * The few libc calls the JDK does not offer: a raw descriptor of the volume file and fallocate.
 * Constants are Linux's (identical on x86_64 and aarch64).
 */
interface Libc extends Library {

    int O_RDWR = 0x2;
    int O_CLOEXEC = 0x80000;

    int FALLOC_FL_KEEP_SIZE = 0x1;
    int FALLOC_FL_PUNCH_HOLE = 0x2;

    int ENOSYS = 38;
    int EOPNOTSUPP = 95;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;
}
