/**
 * Output in the formats VirtualBox and a boot2docker VM print (written by hand, not captured), for the
 * tests of the drivers that cannot run here. Test data only: no driver imports this file.
 */

/** Some lines of `VBoxManage showvminfo --machinereadable dusty`. */
export const SHOWVMINFO = [
  'name="dusty"',
  'memory=2048',
  '"SATA-0-0"="/Users/al/.docker/machine/machines/dusty/disk.vmdk"',
  'natnet1="10.174.249/24"',
  'macaddress1="080027D5C1E4"',
  'nic1="nat"',
  'nictype1="82540EM"',
  'Forwarding(0)="ssh,tcp,127.0.0.1,50322,,22"',
  'hostonlyadapter2="vboxnet1"',
  'macaddress2="0800271B9D6F"',
  'nic2="hostonly"',
  'nictype2="82540EM"',
].join("\n");

/** `ip addr show` in a boot2docker VM. */
export const IP_ADDR = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
    link/ether 08:00:27:d5:c1:e4 brd ff:ff:ff:ff:ff:ff
    inet 10.174.249.15/24 brd 10.174.249.255 scope global eth0
3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
    link/ether 08:00:27:1b:9d:6f brd ff:ff:ff:ff:ff:ff
    inet 192.168.99.101/24 brd 192.168.99.255 scope global eth1
`;
