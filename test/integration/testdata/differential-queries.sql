-- Differential queries for test/integration/sharding.test.ts: each line runs through vtgate on the
-- sharded customer keyspace and directly on one plain MariaDB database holding the same rows. Results must
-- be identical (rows compared sorted when the query has no ORDER BY), or vtgate must answer
-- "unsupported: ...". Statements run in order: DML lines change both sides. One statement per line.
select * from customer where customer_id = 1
select * from customer where customer_id = 4
select * from customer where customer_id = 17
select * from customer where customer_id = 42
select * from customer where customer_id = 99
select * from customer where customer_id = 150
select * from customer where customer_id = 200
select * from customer where customer_id = 201
select email from customer where customer_id = 3
select * from corder where customer_id = 3 order by order_id
select count(*), sum(price) from corder where customer_id = 3
select email from customer where customer_id = 77
select * from corder where customer_id = 77 order by order_id
select count(*), sum(price) from corder where customer_id = 77
select email from customer where customer_id = 123
select * from corder where customer_id = 123 order by order_id
select count(*), sum(price) from corder where customer_id = 123
select * from customer where customer_id in (1, 2, 3)
select customer_id, sku, price from corder where customer_id in (1, 2, 3) order by order_id
select * from customer where customer_id in (4, 5, 6, 7, 8)
select customer_id, sku, price from corder where customer_id in (4, 5, 6, 7, 8) order by order_id
select * from customer where customer_id in (10, 20, 30, 40, 50, 60)
select customer_id, sku, price from corder where customer_id in (10, 20, 30, 40, 50, 60) order by order_id
select * from customer where customer_id in (199, 200, 201, 202)
select customer_id, sku, price from corder where customer_id in (199, 200, 201, 202) order by order_id
select * from customer where customer_id in (1)
select customer_id, sku, price from corder where customer_id in (1) order by order_id
select * from customer where customer_id in (100, 100, 100)
select customer_id, sku, price from corder where customer_id in (100, 100, 100) order by order_id
select * from customer where customer_id in (3, null)
select customer_id, sku, price from corder where customer_id in (3, null) order by order_id
select count(*) from corder where customer_id in (1, 2, 3, 4, 5)
select customer_id, count(*) from corder where customer_id in (1, 2, 3, 4, 5) group by customer_id
select * from customer where customer_id between 1 and 10
select * from customer where customer_id >= 1 and customer_id < 10 order by customer_id desc
select * from customer where customer_id between 50 and 60
select * from customer where customer_id >= 50 and customer_id < 60 order by customer_id desc
select * from customer where customer_id between 190 and 250
select * from customer where customer_id >= 190 and customer_id < 250 order by customer_id desc
select * from customer
select * from corder
select email from customer where email like 'user1%'
select * from corder where price > 400
select * from corder where sku = 'SKU-1003'
select order_id, price from corder where price < 20 and sku <> 'SKU-1001'
select customer_id, email from customer order by customer_id
select customer_id, email from customer order by customer_id limit 5
select customer_id, email from customer order by customer_id limit 10, 5
select customer_id, email from customer order by customer_id desc
select customer_id, email from customer order by customer_id desc limit 5
select customer_id, email from customer order by customer_id desc limit 10, 5
select customer_id, email from customer order by email
select customer_id, email from customer order by email limit 5
select customer_id, email from customer order by email limit 10, 5
select customer_id, email from customer order by email desc
select customer_id, email from customer order by email desc limit 5
select customer_id, email from customer order by email desc limit 10, 5
select * from corder order by order_id
select * from corder order by order_id limit 7
select order_id, customer_id from corder order by order_id limit 3 offset 20
select * from corder order by price desc, order_id
select * from corder order by price desc, order_id limit 7
select order_id, customer_id from corder order by price desc, order_id limit 3 offset 20
select * from corder order by sku, order_id desc
select * from corder order by sku, order_id desc limit 7
select order_id, customer_id from corder order by sku, order_id desc limit 3 offset 20
select * from corder order by customer_id, order_id
select * from corder order by customer_id, order_id limit 7
select order_id, customer_id from corder order by customer_id, order_id limit 3 offset 20
select email from customer order by customer_id limit 3
select order_id from corder where price > 250 order by price, order_id limit 12
select customer_id from customer order by 1 desc limit 4
select count(*) from corder
select count(*) from corder where price > 300
select count(price) from corder
select count(price) from corder where price > 300
select sum(price) from corder
select sum(price) from corder where price > 300
select min(price) from corder
select min(price) from corder where price > 300
select max(price) from corder
select max(price) from corder where price > 300
select avg(price) from corder
select avg(price) from corder where price > 300
select min(sku) from corder
select min(sku) from corder where price > 300
select max(sku) from corder
select max(sku) from corder where price > 300
select min(order_id), max(order_id) from corder
select min(order_id), max(order_id) from corder where price > 300
select count(*), sum(price), avg(price) from corder
select count(*), sum(price), avg(price) from corder where price > 300
select count(*) from customer
select count(*) from customer where customer_id > 1000
select sum(price) from corder where customer_id > 1000
select avg(price) from corder where customer_id > 1000
select max(email) from customer
select sku, count(*) from corder group by sku
select sku, count(*), sum(price) from corder group by sku order by sku
select sku, min(order_id), max(order_id) from corder group by sku order by sku desc
select price, count(*) from corder group by price
select price, count(*), sum(price) from corder group by price order by price
select price, min(order_id), max(order_id) from corder group by price order by price desc
select sku, avg(price) from corder group by sku order by sku
select sku, count(*) as n from corder group by sku order by n desc, sku
select sku, count(*) from corder group by sku order by count(*) desc, sku limit 3
select customer_id, count(*) from corder group by customer_id
select customer_id, sum(price) from corder group by customer_id order by customer_id limit 10
select customer_id, count(*) from corder group by customer_id order by count(*) desc, customer_id limit 5
select sku, count(*) from corder where price > 100 group by sku
select sku from corder group by sku
select sku, count(*) from corder group by sku having count(*) > 45
select sku, sum(price) from corder group by sku having sum(price) > 11000 order by sku
select sku, count(*) as n from corder group by sku having n < 47 order by sku
select price, count(*) from corder group by price having count(*) >= 3 order by price
select sku, min(price) from corder group by sku having min(price) = 1 or max(price) > 499
select customer_id, count(*) from corder group by customer_id having count(*) > 3
select distinct sku from corder
select distinct sku from corder order by sku
select distinct sku from corder order by sku desc limit 3
select distinct price from corder where price < 50
select distinct customer_id from corder
select distinct customer_id, sku from corder where customer_id < 20
select count(distinct sku) from corder
select count(distinct customer_id) from corder
select c.email, o.sku, o.price from customer c join corder o on c.customer_id = o.customer_id where c.customer_id = 8 order by o.order_id
select c.email, o.order_id from customer c join corder o on c.customer_id = o.customer_id where c.customer_id in (1, 2, 3) order by o.order_id
select c.customer_id, count(*) from customer c join corder o on c.customer_id = o.customer_id group by c.customer_id
select c.email, o.order_id from customer c join corder o on c.customer_id = o.customer_id order by o.order_id limit 15
select c.email, o.order_id from customer c left join corder o on c.customer_id = o.customer_id where c.customer_id between 190 and 205 order by c.customer_id, o.order_id
select count(*) from customer c join corder o on c.customer_id = o.customer_id
select o.sku, count(*) from customer c join corder o on c.customer_id = o.customer_id where c.email like 'user2%' group by o.sku order by o.sku
select c.email, o.sku from customer c join corder o on o.customer_id = c.customer_id where o.price > 490
select c.email, o.sku from customer c, corder o where c.customer_id = o.customer_id and o.price = 7
select c.customer_id from customer c left join corder o on c.customer_id = o.customer_id where o.order_id is null
select a.order_id, b.order_id from corder a join corder b on a.customer_id = b.customer_id where a.customer_id = 5 and a.order_id < b.order_id order by a.order_id, b.order_id
select c.email, o.sku from customer c join corder o on c.email = o.sku
select o1.order_id from corder o1 join corder o2 on o1.price = o2.price where o1.order_id = 1
select c.customer_id, o.order_id from customer c join corder o on c.customer_id = o.price where c.customer_id < 30 order by o.order_id
select o.order_id, c.email from corder o left join customer c on o.price = c.customer_id where o.customer_id = 9 order by o.order_id
select o.order_id, c.email from corder o left join customer c on o.price = c.customer_id and c.customer_id < 100 where o.customer_id in (9, 10) order by o.order_id
select c.email, o.sku from customer c, corder o where c.customer_id = o.price and o.sku = 'SKU-1004'
select a.order_id, b.order_id from corder a join corder b on a.price = b.price where a.customer_id = 20 and b.customer_id <> 20
select * from customer where customer_id in (select customer_id from corder where price > 495)
select * from customer where customer_id = (select max(customer_id) from corder)
select count(*) from (select sku from corder group by sku) t
select * from customer c where exists (select 1 from corder o where o.customer_id = c.customer_id and o.price > 498)
select customer_id, (select count(*) from corder o where o.customer_id = c.customer_id) from customer c where customer_id = 3
select customer_id from customer where customer_id = 1 union select customer_id from corder where customer_id = 2
select sku from corder where customer_id = 1 union all select sku from corder where customer_id = 3
select customer_id from customer where customer_id < 5 union select customer_id from corder where customer_id < 8 order by customer_id
select email from customer where customer_id = 3 union all select email from customer where customer_id = 3
select sku from corder where price > 490 union select sku from corder where price < 5 order by 1 limit 4
select sku, count(distinct customer_id) from corder group by sku order by sku
select count(distinct sku) from corder where price > 100
select sum(distinct price) from corder where customer_id in (1, 2, 3)
select customer_id, email from customer where customer_id not in (select customer_id from corder) order by customer_id
select count(*) from customer where customer_id in (select customer_id from corder where sku = 'SKU-1005')
select email from customer where customer_id in (select customer_id from corder where price > 100000)
select email from customer where customer_id not in (select customer_id from corder where price > 100000) order by customer_id limit 5
select * from customer where customer_id = (select min(customer_id) from corder where sku = 'SKU-1003')
select * from customer where customer_id = (select customer_id from corder where price > 100000)
select count(*) from customer where exists (select 1 from corder where price > 499)
select count(*) from customer where not exists (select 1 from corder where price > 100000)
select customer_id from customer where customer_id in (select customer_id from corder where price > 480) and customer_id < 100 order by customer_id
select sku, count(*) from corder where customer_id in (select customer_id from customer where email like 'user1%') group by sku order by sku
select customer_id from customer c where not exists (select 1 from corder o where o.customer_id = c.customer_id) order by customer_id
select c.customer_id, (select max(o.price) from corder o where o.customer_id = c.customer_id) from customer c where c.customer_id in (1, 2, 3, 4) order by c.customer_id
select customer_id from customer c where (select count(*) from corder o where o.customer_id = c.customer_id) > 4 order by customer_id
select * from corder where price > (select avg(price) from corder) and customer_id = 5 order by order_id
select * from corder o where price = (select max(price) from corder o2 where o2.sku = o.sku) and customer_id = 5
select count(*), sum(price) from (select price from corder where price > 250) t
select sku, count(*) from (select sku, price from corder) t group by sku order by sku
select max(n) from (select customer_id, count(*) as n from corder group by customer_id) t
select t.customer_id, t.n from (select customer_id, count(*) as n from corder group by customer_id) t where t.n > 4 order by t.customer_id
select * from (select customer_id, email from customer where customer_id = 7) t
select distinct sku from (select sku from corder where price < 50) t order by sku
select avg(price) from (select price from corder where customer_id in (1, 2, 3)) t
select t.sku, min(t.price), max(t.price) from (select sku, price from corder) t group by t.sku having count(*) > 40 order by t.sku
select customer_id from (select customer_id from customer order by customer_id desc limit 5) t order by customer_id
select count(*) from (select distinct customer_id from corder) t
select * from (select sku, price from corder where price > 495) t order by price, sku
select t.* from (select customer_id, email from customer where customer_id in (5, 6, 7)) t order by t.customer_id
select customer_id, customer_id * 2 as dbl, concat(email, '!') from customer where customer_id in (5, 6)
select order_id, price * 2 from corder where price > 495 order by order_id
select upper(sku), count(*) from corder group by upper(sku)
select sku, sum(price) * 2 from corder group by sku
select count(*) + 1 from corder
select * from corder where customer_id = 10 and price > 100 order by price desc, order_id limit 2
select * from customer where customer_id = 10 or customer_id = 20
select * from customer where not customer_id = 10 and customer_id < 15
select * from customer where customer_id is null
select * from customer where customer_id = null
select * from customer where email = 'user5@domain5.com'
select * from customer where customer_id = '7'
select * from customer where customer_id in ('8', '9')
select sku, group_concat(order_id) from corder where customer_id = 4 group by sku
select sku, group_concat(order_id) from corder group by sku
select std(price) from corder
select * from corder where customer_id = 11 for update
update customer set email = 'changed@x.com' where customer_id = 12
select * from customer where customer_id = 12
update corder set price = price + 1 where customer_id in (13, 14, 15)
select * from corder where customer_id in (13, 14, 15) order by order_id
update corder set price = 0 where sku = 'SKU-1007'
select sku, sum(price), count(*) from corder group by sku order by sku
delete from corder where customer_id = 16
select count(*) from corder
delete from corder where price > 480
select count(*), sum(price) from corder
delete from customer where customer_id in (190, 191, 192)
select * from customer where customer_id > 185 order by customer_id
insert into customer(customer_id, email) values (300, 'new300@x.com'), (301, 'new301@x.com'), (302, 'new302@x.com')
select * from customer where customer_id >= 300
insert into corder(order_id, customer_id, sku, price) values (1001, 300, 'SKU-NEW', 5), (1002, 301, 'SKU-NEW', 6)
select * from corder where sku = 'SKU-NEW' order by order_id
update customer set customer_id = 999 where customer_id = 300
select * from customer where customer_id >= 300
update customer set email = 'x' where customer_id = 301 limit 1
select email from customer where customer_id = 301
delete from corder where sku = 'SKU-NEW' limit 1
select count(*) from corder where sku = 'SKU-NEW'
update corder set sku = 'SKU-1000' where order_id = 1001
select sku, count(*) from corder group by sku order by sku
replace into customer(customer_id, email) values (302, 'replaced@x.com')
select * from customer where customer_id = 302
insert into customer(customer_id, email) values (303, 'a') on duplicate key update email = 'b'
select * from customer where customer_id = 303
insert into customer(customer_id, email) values (303, 'a') on duplicate key update email = 'b'
select * from customer where customer_id = 303
update corder set price = price + 2 where customer_id in (select customer_id from customer where email like 'user19%')
select customer_id, sum(price) from corder where customer_id in (19, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199) group by customer_id order by customer_id
delete from corder where customer_id = (select max(customer_id) from customer where email like 'user5%')
select count(*) from corder where customer_id = 59
update customer set email = 'no-orders@x.com' where not exists (select 1 from corder o where o.customer_id = customer.customer_id) and customer_id < 300
select customer_id, email from customer where email = 'no-orders@x.com' order by customer_id
delete from corder where exists (select 1 from customer c where c.customer_id = corder.customer_id and c.email like 'user7%') and price < 100
select count(*), sum(price) from corder
