//! IPv4 subnets: an address and the length of its prefix, and the addresses they hold.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// An IPv4 subnet: an address and the length of its prefix (`172.17.0.0/16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub address: Ipv4Addr,
    pub prefix: u8,
}

impl Subnet {
    /// `ADDRESS/PREFIX`, where ADDRESS may be any address of the subnet (docker's `--bip` names
    /// the gateway's).
    pub fn parse(text: &str) -> Option<Subnet> {
        let (address, prefix) = text.split_once('/')?;
        let address: Ipv4Addr = address.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        (prefix <= 32).then_some(Subnet { address, prefix })
    }

    /// The mask of the prefix: its first `prefix` bits set.
    pub fn mask(self) -> u32 {
        u32::MAX
            .checked_shl(32 - u32::from(self.prefix))
            .unwrap_or(0)
    }

    /// The subnet's own address: all host bits clear.
    pub fn network(self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.address) & self.mask())
    }

    /// Its broadcast address: all host bits set.
    pub fn broadcast(self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.address) | !self.mask())
    }

    pub fn contains(self, address: Ipv4Addr) -> bool {
        u32::from(address) & self.mask() == u32::from(self.network())
    }

    /// Whether the two subnets share an address.
    pub fn overlaps(self, other: Subnet) -> bool {
        let mask = self.mask() & other.mask();
        u32::from(self.address) & mask == u32::from(other.address) & mask
    }
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_know_their_bounds() {
        let subnet = Subnet::parse("172.18.5.1/16").unwrap();
        assert_eq!(subnet.to_string(), "172.18.0.0/16");
        assert_eq!(subnet.broadcast().to_string(), "172.18.255.255");
        assert!(subnet.contains("172.18.200.1".parse().unwrap()));
        assert!(!subnet.contains("172.19.0.1".parse().unwrap()));
        assert!(subnet.overlaps(Subnet::parse("172.18.3.0/24").unwrap()));
        assert!(!subnet.overlaps(Subnet::parse("172.17.0.0/16").unwrap()));
    }
}
