-- Seed: two-level product category tree (top level, then children).
-- Ids are stable slugs; children are '<parent>.<child>'.

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('machinery', NULL, '机械设备', 'Machinery', 1),
    ('hardware-tools', NULL, '五金工具', 'Hardware & Tools', 2),
    ('electronic-components', NULL, '电子元器件', 'Electronic Components', 3),
    ('electrical', NULL, '电工电气', 'Electrical Equipment & Supplies', 4),
    ('lighting', NULL, '照明灯具', 'Lights & Lighting', 5),
    ('textiles-apparel', NULL, '纺织服装', 'Textiles & Apparel', 6),
    ('chemicals', NULL, '化工', 'Chemicals', 7),
    ('packaging-printing', NULL, '包装印刷', 'Packaging & Printing', 8),
    ('home-goods', NULL, '家居用品', 'Home Supplies', 9),
    ('food-beverage', NULL, '食品饮料', 'Food & Beverage', 10),
    ('building-materials', NULL, '建筑建材', 'Construction & Building Materials', 11),
    ('auto-parts', NULL, '汽车配件', 'Auto Parts & Accessories', 12),
    ('consumer-electronics', NULL, '消费电子', 'Consumer Electronics', 13),
    ('metallurgy', NULL, '冶金矿产', 'Metallurgy, Minerals & Energy', 14),
    ('agriculture', NULL, '农业', 'Agriculture', 15),
    ('medical', NULL, '医疗器械', 'Medical Devices & Supplies', 16);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('machinery.cnc-machine-tools', 'machinery', '数控机床', 'CNC Machine Tools', 1),
    ('machinery.injection-molding', 'machinery', '注塑机', 'Injection Molding Machines', 2),
    ('machinery.packaging-machinery', 'machinery', '包装机械', 'Packaging Machinery', 3),
    ('machinery.food-machinery', 'machinery', '食品机械', 'Food Processing Machinery', 4),
    ('machinery.pumps', 'machinery', '泵', 'Pumps', 5),
    ('machinery.valves', 'machinery', '阀门', 'Valves', 6),
    ('machinery.compressors', 'machinery', '空压机', 'Air Compressors', 7),
    ('machinery.bearings', 'machinery', '轴承', 'Bearings', 8);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('hardware-tools.fasteners', 'hardware-tools', '紧固件', 'Fasteners', 1),
    ('hardware-tools.hand-tools', 'hardware-tools', '手动工具', 'Hand Tools', 2),
    ('hardware-tools.power-tools', 'hardware-tools', '电动工具', 'Power Tools', 3),
    ('hardware-tools.locks', 'hardware-tools', '锁具', 'Locks', 4),
    ('hardware-tools.door-window-hardware', 'hardware-tools', '门窗五金', 'Door & Window Hardware', 5),
    ('hardware-tools.abrasives', 'hardware-tools', '磨具磨料', 'Abrasives', 6);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('electronic-components.leds', 'electronic-components', 'LED灯珠', 'LEDs', 1),
    ('electronic-components.integrated-circuits', 'electronic-components', '集成电路', 'Integrated Circuits', 2),
    ('electronic-components.passive-components', 'electronic-components', '电阻电容电感', 'Passive Components', 3),
    ('electronic-components.connectors', 'electronic-components', '连接器', 'Connectors', 4),
    ('electronic-components.pcb', 'electronic-components', '电路板', 'PCB & PCBA', 5),
    ('electronic-components.sensors', 'electronic-components', '传感器', 'Sensors', 6),
    ('electronic-components.power-supplies', 'electronic-components', '开关电源', 'Switching Power Supplies', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('electrical.wires-cables', 'electrical', '电线电缆', 'Wires & Cables', 1),
    ('electrical.switches-sockets', 'electrical', '开关插座', 'Switches & Sockets', 2),
    ('electrical.circuit-breakers', 'electrical', '断路器', 'Circuit Breakers', 3),
    ('electrical.transformers', 'electrical', '变压器', 'Transformers', 4),
    ('electrical.motors', 'electrical', '电机', 'Electric Motors', 5),
    ('electrical.solar-energy', 'electrical', '太阳能光伏', 'Solar Energy Products', 6),
    ('electrical.batteries', 'electrical', '电池', 'Batteries', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('lighting.led-panel-lights', 'lighting', 'LED面板灯', 'LED Panel Lights', 1),
    ('lighting.led-bulbs', 'lighting', 'LED球泡灯', 'LED Bulbs', 2),
    ('lighting.led-strips', 'lighting', 'LED灯带', 'LED Strip Lights', 3),
    ('lighting.flood-lights', 'lighting', '投光灯', 'Flood Lights', 4),
    ('lighting.street-lights', 'lighting', '路灯', 'Street Lights', 5),
    ('lighting.solar-lights', 'lighting', '太阳能灯', 'Solar Lights', 6),
    ('lighting.decorative-lighting', 'lighting', '装饰灯具', 'Decorative Lighting', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('textiles-apparel.t-shirts', 'textiles-apparel', 'T恤', 'T-Shirts', 1),
    ('textiles-apparel.workwear', 'textiles-apparel', '工作服', 'Workwear & Uniforms', 2),
    ('textiles-apparel.sportswear', 'textiles-apparel', '运动服', 'Sportswear', 3),
    ('textiles-apparel.socks', 'textiles-apparel', '袜子', 'Socks', 4),
    ('textiles-apparel.hats-caps', 'textiles-apparel', '帽子', 'Hats & Caps', 5),
    ('textiles-apparel.fabrics', 'textiles-apparel', '面料', 'Fabrics', 6),
    ('textiles-apparel.yarn', 'textiles-apparel', '纱线', 'Yarn', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('chemicals.plastic-raw-materials', 'chemicals', '塑料原料', 'Plastic Raw Materials', 1),
    ('chemicals.rubber', 'chemicals', '橡胶', 'Rubber', 2),
    ('chemicals.coatings-paints', 'chemicals', '涂料油漆', 'Paints & Coatings', 3),
    ('chemicals.adhesives', 'chemicals', '胶粘剂', 'Adhesives & Sealants', 4),
    ('chemicals.inorganic-chemicals', 'chemicals', '无机化工原料', 'Inorganic Chemicals', 5),
    ('chemicals.organic-chemicals', 'chemicals', '有机化工原料', 'Organic Chemicals', 6),
    ('chemicals.pigments-dyes', 'chemicals', '颜料染料', 'Pigments & Dyes', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('packaging-printing.woven-bags', 'packaging-printing', '编织袋', 'Woven Bags', 1),
    ('packaging-printing.plastic-bags', 'packaging-printing', '塑料袋', 'Plastic Bags', 2),
    ('packaging-printing.corrugated-boxes', 'packaging-printing', '瓦楞纸箱', 'Corrugated Boxes', 3),
    ('packaging-printing.labels-stickers', 'packaging-printing', '标签贴纸', 'Labels & Stickers', 4),
    ('packaging-printing.adhesive-tapes', 'packaging-printing', '胶带', 'Adhesive Tapes', 5),
    ('packaging-printing.bottles-jars', 'packaging-printing', '瓶罐', 'Bottles & Jars', 6),
    ('packaging-printing.printing-services', 'packaging-printing', '印刷服务', 'Printing Services', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('home-goods.drinkware', 'home-goods', '水杯水壶', 'Drinkware', 1),
    ('home-goods.kitchenware', 'home-goods', '厨房用品', 'Kitchenware', 2),
    ('home-goods.storage', 'home-goods', '收纳用品', 'Storage & Organization', 3),
    ('home-goods.cleaning-tools', 'home-goods', '清洁用品', 'Cleaning Tools', 4),
    ('home-goods.home-textiles', 'home-goods', '家纺', 'Home Textiles', 5),
    ('home-goods.bathroom-accessories', 'home-goods', '浴室用品', 'Bathroom Accessories', 6),
    ('home-goods.furniture', 'home-goods', '家具', 'Furniture', 7),
    ('home-goods.garden-supplies', 'home-goods', '园艺用品', 'Garden Supplies', 8);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('food-beverage.tea', 'food-beverage', '茶叶', 'Tea', 1),
    ('food-beverage.snacks', 'food-beverage', '休闲食品', 'Snacks', 2),
    ('food-beverage.seasonings', 'food-beverage', '调味品', 'Seasonings & Condiments', 3),
    ('food-beverage.beverages', 'food-beverage', '饮料', 'Beverages', 4),
    ('food-beverage.dried-fruits-nuts', 'food-beverage', '坚果炒货', 'Nuts & Dried Fruits', 5),
    ('food-beverage.seafood', 'food-beverage', '水产品', 'Seafood', 6),
    ('food-beverage.grain-oil', 'food-beverage', '粮油', 'Grain & Edible Oil', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('building-materials.ceramic-tiles', 'building-materials', '瓷砖', 'Ceramic Tiles', 1),
    ('building-materials.sanitary-ware', 'building-materials', '卫浴洁具', 'Sanitary Ware', 2),
    ('building-materials.stone', 'building-materials', '石材', 'Natural Stone', 3),
    ('building-materials.doors-windows', 'building-materials', '门窗', 'Doors & Windows', 4),
    ('building-materials.flooring', 'building-materials', '地板', 'Flooring', 5),
    ('building-materials.pipes-fittings', 'building-materials', '管材管件', 'Pipes & Fittings', 6),
    ('building-materials.building-glass', 'building-materials', '建筑玻璃', 'Building Glass', 7),
    ('building-materials.waterproofing', 'building-materials', '防水材料', 'Waterproofing Materials', 8);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('auto-parts.tires', 'auto-parts', '轮胎', 'Tires', 1),
    ('auto-parts.brake-parts', 'auto-parts', '制动系统', 'Brake Parts', 2),
    ('auto-parts.engine-parts', 'auto-parts', '发动机配件', 'Engine Parts', 3),
    ('auto-parts.filters', 'auto-parts', '滤清器', 'Filters', 4),
    ('auto-parts.auto-lighting', 'auto-parts', '汽车灯具', 'Auto Lighting', 5),
    ('auto-parts.car-electronics', 'auto-parts', '车载电子', 'Car Electronics', 6),
    ('auto-parts.body-parts', 'auto-parts', '车身配件', 'Body Parts', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('consumer-electronics.earphones', 'consumer-electronics', '耳机', 'Earphones & Headphones', 1),
    ('consumer-electronics.chargers', 'consumer-electronics', '充电器', 'Chargers & Adapters', 2),
    ('consumer-electronics.power-banks', 'consumer-electronics', '移动电源', 'Power Banks', 3),
    ('consumer-electronics.data-cables', 'consumer-electronics', '数据线', 'Data Cables', 4),
    ('consumer-electronics.phone-cases', 'consumer-electronics', '手机壳', 'Phone Cases', 5),
    ('consumer-electronics.speakers', 'consumer-electronics', '音箱', 'Speakers', 6),
    ('consumer-electronics.smart-wearables', 'consumer-electronics', '智能穿戴', 'Smart Wearables', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('metallurgy.steel', 'metallurgy', '钢材', 'Steel', 1),
    ('metallurgy.stainless-steel', 'metallurgy', '不锈钢', 'Stainless Steel', 2),
    ('metallurgy.aluminium', 'metallurgy', '铝材', 'Aluminium', 3),
    ('metallurgy.copper', 'metallurgy', '铜材', 'Copper', 4),
    ('metallurgy.steel-pipes', 'metallurgy', '钢管', 'Steel Pipes', 5),
    ('metallurgy.ferroalloys', 'metallurgy', '铁合金', 'Ferroalloys', 6),
    ('metallurgy.minerals', 'metallurgy', '非金属矿产', 'Non-metallic Minerals', 7);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('agriculture.seeds', 'agriculture', '种子种苗', 'Seeds & Seedlings', 1),
    ('agriculture.fertilizers', 'agriculture', '肥料', 'Fertilizers', 2),
    ('agriculture.pesticides', 'agriculture', '农药', 'Pesticides', 3),
    ('agriculture.agricultural-machinery', 'agriculture', '农业机械', 'Agricultural Machinery', 4),
    ('agriculture.animal-feed', 'agriculture', '饲料', 'Animal Feed', 5),
    ('agriculture.greenhouses', 'agriculture', '温室大棚', 'Greenhouses', 6);

INSERT INTO categories (id, parent_id, name_zh, name_en, position) VALUES
    ('medical.disposables', 'medical', '医用耗材', 'Medical Consumables', 1),
    ('medical.masks-ppe', 'medical', '口罩防护', 'Masks & PPE', 2),
    ('medical.gloves', 'medical', '医用手套', 'Medical Gloves', 3),
    ('medical.diagnostic-equipment', 'medical', '诊断设备', 'Diagnostic Equipment', 4),
    ('medical.rehabilitation', 'medical', '康复器械', 'Rehabilitation Equipment', 5),
    ('medical.dental', 'medical', '口腔器械', 'Dental Supplies', 6),
    ('medical.hospital-furniture', 'medical', '医用家具', 'Hospital Furniture', 7);
