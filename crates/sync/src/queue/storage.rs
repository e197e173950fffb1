//! The order a queue hands items out in: FIFO, LIFO or lowest-first.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Where a [`GenericQueue`](super::GenericQueue) keeps its items; decides the order of `get`.
pub trait Storage<T>: Default {
    /// Adds an item.
    fn push(&mut self, item: T);
    /// Removes the next item to hand out.
    fn pop(&mut self) -> Option<T>;
    /// Items held.
    fn len(&self) -> usize;
    /// Whether no item is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out ([`Queue`](super::Queue)).
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out ([`LifoQueue`](super::LifoQueue)).
#[derive(Debug)]
pub struct Lifo<T>(Vec<T>);

/// Smallest first ([`PriorityQueue`](super::PriorityQueue)), like Python's `heapq`.
#[derive(Debug)]
pub struct Priority<T: Ord>(BinaryHeap<Reverse<T>>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Self(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Self(BinaryHeap::new())
    }
}

impl<T> Storage<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Storage<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Storage<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}
