import { describe, expect, it } from 'vitest';
import type { CityList } from '../../../protocol/index.ts';
import { chooseCity, cityFromSearch, hrefWithCity } from './cityChoice.ts';

const list: CityList = {
  defaultCityId: 'boeblingen-demo',
  cities: [
    { id: 'boeblingen-demo', name: 'Böblingen (Demo)', synthetic: true },
    { id: 'heilbronn', name: 'Heilbronn', synthetic: false },
  ],
};

describe('cityFromSearch', () => {
  it('reads ?city= and ignores an empty value', () => {
    expect(cityFromSearch('?city=heilbronn&mode=kiosk')).toBe('heilbronn');
    expect(cityFromSearch('?city=')).toBeUndefined();
    expect(cityFromSearch('')).toBeUndefined();
  });
});

describe('chooseCity', () => {
  it('takes the requested city when the server serves it, else the default with a note', () => {
    expect(chooseCity(list, 'heilbronn')).toEqual({ cityId: 'heilbronn' });
    expect(chooseCity(list, undefined)).toEqual({ cityId: 'boeblingen-demo' });
    expect(chooseCity(list, 'kirchheim')).toEqual({
      cityId: 'boeblingen-demo',
      unknownRequested: 'kirchheim',
    });
  });
});

describe('hrefWithCity', () => {
  it('sets the city, keeps other parameters and the fragment, and drops the default city', () => {
    const withCity = hrefWithCity('http://localhost:8080/?mode=kiosk#x', 'heilbronn', 'boeblingen-demo');
    expect(withCity).toBe('http://localhost:8080/?mode=kiosk&city=heilbronn#x');
    expect(hrefWithCity(withCity, 'boeblingen-demo', 'boeblingen-demo')).toBe(
      'http://localhost:8080/?mode=kiosk#x',
    );
  });
});
